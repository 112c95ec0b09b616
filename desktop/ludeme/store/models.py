"""peewee models of the project file, one set of classes per open project.

There is no process-wide database Proxy: ``build_models(db)`` defines the classes bound to one
project's database (about a millisecond), so two projects can be open in one process, on any
threads, without re-binding shared classes. The tables themselves are created by migrations.py;
tests check that these models and the migrated schema agree column for column.
"""
from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

from peewee import (
    BlobField, BooleanField, CompositeKey, Database, FloatField, ForeignKeyField, IntegerField,
    Model, TextField,
)


class JSONField(TextField):
    """JSON text; compact, keys kept in order."""

    def db_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=_plain)

    def python_value(self, value: str | None) -> Any:
        return None if value is None else json.loads(value)


def _plain(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, (tuple, set, frozenset)):
        return list(value)
    if hasattr(value, "keys"):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(value: Any) -> str:
    """The JSON text the store writes (shared by the fast raw-SQL paths)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=_plain)


def build_models(db: Database) -> SimpleNamespace:  # noqa: C901 (one class per table)
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Meta(Base):
        key = TextField(primary_key=True)
        value = TextField()

    class Change(Base):
        topic = TextField(primary_key=True)
        counter = IntegerField(default=0)

    class Lineage(Base):
        id = TextField(primary_key=True)
        title = TextField()
        description = TextField(default="")
        tags = JSONField(default=list)
        favourite = BooleanField(default=False)
        archived = BooleanField(default=False)
        island = IntegerField(default=0)
        created = FloatField()

    class Version(Base):
        id = TextField(primary_key=True)
        lineage = ForeignKeyField(Lineage, column_name="lineage_id", on_delete="CASCADE",
                                  backref="versions")
        status = TextField()
        operator = TextField()
        generation = IntegerField(default=0)
        plan = JSONField(null=True)
        mechanics = JSONField(default=list)
        reward = FloatField(null=True)
        breakdown = JSONField(default=dict)
        quality = FloatField(null=True)       # from the breakdown: what the game is
        progress = FloatField(null=True)      # from the breakdown: what it adds (None for a root)
        rating = IntegerField(null=True)
        bt_score = FloatField(null=True)
        bt_low = FloatField(null=True)
        bt_high = FloatField(null=True)
        model = TextField(null=True)
        tokens_in = IntegerField(default=0)
        tokens_out = IntegerField(default=0)
        cost = FloatField(default=0.0)
        wall_time = FloatField(null=True)
        seed = IntegerField(default=0)
        direction = TextField(default="")
        note = TextField(default="")
        favourite = BooleanField(default=False)
        deleted_at = FloatField(null=True)
        created = FloatField()
        evaluated = FloatField(null=True)
        rev = IntegerField(default=0)  # set by trigger: the version counter at its last change

    class VersionParent(Base):
        child = ForeignKeyField(Version, column_name="child_id", on_delete="CASCADE",
                                backref="parent_edges")
        parent = ForeignKeyField(Version, column_name="parent_id", backref="child_edges")
        kind = TextField()
        position = IntegerField()

        class Meta:
            primary_key = CompositeKey("child", "position")

    class Blob(Base):
        sha256 = TextField(primary_key=True)
        size = IntegerField()
        codec = TextField(default="")
        data = BlobField()

    class VersionFile(Base):
        version = ForeignKeyField(Version, column_name="version_id", on_delete="CASCADE",
                                  backref="files")
        path = TextField()
        blob_sha = TextField()
        mime = TextField()

        class Meta:
            primary_key = CompositeKey("version", "path")

    class Mechanic(Base):
        seq = IntegerField(primary_key=True)
        id = TextField(unique=True)
        name = TextField()
        summary = TextField(default="")
        description = TextField(default="")
        changes = JSONField(default=list)
        category = TextField(default="")
        genres = JSONField(default=list)
        tags = JSONField(default=list)
        structural = BooleanField(default=False)
        kit_module = TextField(null=True)
        example = TextField(default="")
        probe = TextField(default="")
        params = JSONField(default=dict)
        origin = TextField(default="seed")
        usage_count = IntegerField(default=0)
        success_count = IntegerField(default=0)
        created = FloatField()
        updated = FloatField()

    class VersionMechanic(Base):
        version = ForeignKeyField(Version, column_name="version_id", on_delete="CASCADE",
                                  backref="mechanic_links")
        mechanic_id = TextField()
        role = TextField()
        probe_ok = BooleanField(null=True)
        probe_detail = TextField(default="")

        class Meta:
            primary_key = CompositeKey("version", "mechanic_id", "role")

    class Recording(Base):
        id = IntegerField(primary_key=True)
        version = ForeignKeyField(Version, column_name="version_id", on_delete="CASCADE",
                                  backref="recordings")
        video_sha = TextField(null=True)
        contact_sheet_sha = TextField(null=True)
        thumbnail_sha = TextField(null=True)
        input_trace = JSONField(default=list)
        console_log = TextField(default="")
        metrics = JSONField(default=dict)
        duration = FloatField(default=0.0)
        fps = FloatField(default=0.0)
        bot = TextField(default="")
        created = FloatField()

    class Vote(Base):
        id = IntegerField(primary_key=True)
        left = ForeignKeyField(Version, column_name="left_id", on_delete="CASCADE",
                               backref="votes_left")
        right = ForeignKeyField(Version, column_name="right_id", on_delete="CASCADE",
                                backref="votes_right")
        outcome = TextField()
        voter = TextField()
        judge_model = TextField(null=True)
        blind = BooleanField(default=False)
        created = FloatField()

    class Memory(Base):
        id = IntegerField(primary_key=True)
        lineage = ForeignKeyField(Lineage, column_name="lineage_id", on_delete="CASCADE",
                                  backref="memories")
        intent = TextField()
        lesson = TextField(default="")
        q = FloatField(default=0.0)
        visits = IntegerField(default=0)
        updated = FloatField()

    class Job(Base):
        id = IntegerField(primary_key=True)
        kind = TextField()
        payload = JSONField(default=dict)
        priority = IntegerField(default=0)
        status = TextField()
        progress = FloatField(default=0.0)
        message = TextField(default="")
        attempts = IntegerField(default=0)
        worker = TextField(null=True)
        heartbeat = FloatField(null=True)
        error = TextField(null=True)
        result = JSONField(null=True)
        created = FloatField()
        started = FloatField(null=True)
        finished = FloatField(null=True)

    class Ledger(Base):
        id = IntegerField(primary_key=True)
        role = TextField()
        model = TextField()
        tokens_in = IntegerField(default=0)
        tokens_out = IntegerField(default=0)
        cost = FloatField(default=0.0)
        latency = FloatField(default=0.0)
        version = ForeignKeyField(Version, column_name="version_id", null=True,
                                  on_delete="SET NULL", backref="ledger")
        job = ForeignKeyField(Job, column_name="job_id", null=True, on_delete="SET NULL",
                              backref="ledger")
        created = FloatField()

    tables = (Meta, Change, Lineage, Version, VersionParent, Blob, VersionFile, Mechanic,
              VersionMechanic, Recording, Vote, Memory, Job, Ledger)
    return SimpleNamespace(**{cls.__name__: cls for cls in tables}, all=tables)
