"""Compare: two to four versions side by side, same random seed, restart together, mirrored input,
and blind A/B voting (DESIGN.md §8).

Blind mode hides everything that tells the versions apart except the games themselves: the players
are called A, B (C, D), the order is shuffled, and no version id, lineage title, reward or score is
shown in any label, tooltip or the window title until the vote is in; the view shows no console.
Votes are stored in the project with the versions in the order the caller gave them (``left`` is
``version_ids[0]``), so shuffling never changes what a stored vote means, and the human
Bradley–Terry scores are refitted right after (the project-wide human fit that ``ludeme ratings``
stores; the scores are the same, the intervals come from 20 bootstrap rounds instead of 100 so the
view never stalls; ``ludeme ratings`` recomputes them with 100).

Voting: with two players, "A is better" (1), "B is better" (2), "Tie" (3), "Both bad" (4). With
three or four, "X is best" (1-4) stores one vote of the chosen one against each other player;
tie and both-bad are pairwise judgements and only offered for two. Left, Right, Down/T and B are
aliases for A, B, Tie and Both bad while the keyboard focus is outside the games and mirrored input
is off (inside a game, those keys belong to the game; the digits always vote).

Why this module is over 500 lines: the players, vote buttons, reveal and blind session of one
view.
"""
from __future__ import annotations

import html
import random
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QToolBar,
    QVBoxLayout, QWidget,
)

from ludeme.core.domain import VoteOutcome
from ludeme.evolution.pairing import pick_pair
from ludeme.ui.player import GamePlayer
from ludeme.ui.theme import colors, local_shortcut

if TYPE_CHECKING:
    from ludeme.store.project import Project

LETTERS = "ABCD"
MAX_PLAYERS = 4
_ALIASES = {Qt.Key.Key_Left: "A", Qt.Key.Key_Right: "B", Qt.Key.Key_Down: "tie", Qt.Key.Key_T: "tie",
            Qt.Key.Key_B: "both_bad"}

_QSS = """
QFrame#CompareSlot {{ border: 1px solid {border}; border-radius: 10px; background: {base}; }}
QFrame#CompareSlot[verdict="winner"] {{ border: 2px solid {ok}; }}
QFrame#CompareSlot[verdict="loser"] {{ border: 1px solid {border}; }}
QFrame#CompareSlot[verdict="bad"] {{ border: 2px solid {error}; }}
QFrame#VoteBar {{ border-top: 1px solid {border}; background: {window}; }}
QPushButton#VoteButton {{ padding: 7px 16px; border: 1px solid {border}; border-radius: 8px;
                          background: {button}; font-weight: 600; }}
QPushButton#VoteButton:hover {{ border-color: {highlight}; }}
QPushButton#VoteButton:focus {{ border: 2px solid {highlight}; }}
QPushButton#VoteButton:disabled {{ color: {muted}; }}
QPushButton#NextButton {{ padding: 7px 16px; border-radius: 8px; background: {highlight};
                          color: {highlight_text}; font-weight: 600; border: none; }}
QFrame#CompareSlot QLabel#PanelTitle {{ font-size: 13pt; font-weight: 700; color: {highlight}; padding: 0 4px; }}
QLabel#Reveal {{ padding: 4px 2px; font-size: 10.5pt; }}
QLabel#CompareMode {{ font-weight: 600; font-size: 11pt; padding: 0 6px; }}
QLabel#Muted {{ color: {muted}; }}
"""


class CompareView(QWidget):
    """2–4 GamePlayers side by side. ``compare(ids, blind=, seed=)`` starts a comparison."""

    voted = Signal(str, str, str)  # left id, right id, outcome (one per stored vote)
    closed = Signal()
    next_pair_requested = Signal()

    def __init__(self, project: Project, sandbox, parent=None, rng: random.Random | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CompareView")
        self.project = project
        self.sandbox = sandbox
        self.rng = rng or random.Random()
        self.version_ids: list[str] = []  # as the caller gave them: votes use this order
        self.shown: list[str] = []  # version id in each slot, left to right, top to bottom
        self.blind = False
        self.seed: int | None = None
        self.has_voted = False
        self.session_lineage: str | None = None  # blind_session(): Next pair picks from this lineage
        self._forwarding = False
        self._closed = False
        self.players: list[GamePlayer] = []
        self.slots: list[QFrame] = []
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setStyleSheet(_QSS.format(**colors()))
        self.setWindowTitle("Compare")

        # -- header ------------------------------------------------------------------------
        self.toolbar = QToolBar(self)
        self.mode_label = QLabel("Compare")
        self.mode_label.setObjectName("CompareMode")
        self.seed_label = QLabel("")
        self.seed_label.setObjectName("Muted")
        self.seed_label.setToolTip("Every game draws the same random numbers from this seed")
        self.toolbar.addWidget(self.mode_label)
        self.toolbar.addWidget(self.seed_label)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.toolbar.addWidget(spacer)
        self.restart_action = self._action("Restart together", "Ctrl+Shift+R", self.restart_all,
                                           "Restart every game at once, with the same seed")
        self.mirror = QCheckBox("Mirror input")
        self.mirror.setToolTip("Keys pressed in one game go to every game (Ctrl+Shift+M)")
        self.toolbar.addWidget(self.mirror)
        self.mirror_shortcut = local_shortcut("Ctrl+Shift+M", self, self.mirror.toggle)
        self.fullscreen_action = self._action("Full screen", "F11", self.toggle_full_screen,
                                              "Show the comparison full screen")
        self.fullscreen_action.setCheckable(True)
        self.close_action = self._action("Close", "Ctrl+Shift+W", self.close_compare,
                                         "Stop the games and close the comparison")

        # -- players -----------------------------------------------------------------------
        self.grid_holder = QWidget()
        self.grid = QGridLayout(self.grid_holder)
        self.grid.setContentsMargins(8, 8, 8, 8)
        self.grid.setSpacing(8)

        # -- vote bar ----------------------------------------------------------------------
        self.vote_bar = QFrame()
        self.vote_bar.setObjectName("VoteBar")
        self.prompt = QLabel("")
        self.prompt.setObjectName("Muted")
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reveal = QLabel("")
        self.reveal.setObjectName("Reveal")
        self.reveal.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reveal.setWordWrap(True)
        self.reveal.hide()
        self.buttons_row = QHBoxLayout()
        self.buttons_row.setSpacing(10)
        self.vote_buttons: dict[str, QPushButton] = {}
        self.next_button = QPushButton("Next pair  ➜")
        self.next_button.setObjectName("NextButton")
        self.next_button.setToolTip("Compare another pair (Enter)")
        self.next_button.clicked.connect(self.next_pair)
        self.next_button.hide()
        bar = QVBoxLayout(self.vote_bar)
        bar.setContentsMargins(12, 8, 12, 10)
        bar.setSpacing(6)
        bar.addWidget(self.reveal)
        bar.addLayout(self.buttons_row)
        bar.addWidget(self.prompt)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.toolbar)
        lay.addWidget(self.grid_holder, 1)
        lay.addWidget(self.vote_bar)

        self._shortcuts: list[QShortcut] = []
        for n in range(1, 5):
            sc = local_shortcut(str(n), self, lambda n=n: self._digit(n))
            self._shortcuts.append(sc)
        self.restart_action.setEnabled(False)

    def _action(self, text: str, shortcut: str, slot, tip: str) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(f"{tip} ({shortcut})")
        action.triggered.connect(slot)
        self.toolbar.addAction(action)
        self.addAction(action)
        return action

    # -- public ----------------------------------------------------------------------------
    def compare(self, version_ids: list[str], blind: bool = False, seed: int | None = None) -> None:
        """Play 2–4 versions side by side with one random seed (a fresh one when None).

        Raises ValueError, changing nothing, for fewer than two or more than four versions, a
        version given twice, an id the project does not have or a deleted version."""
        ids = [str(v) for v in version_ids]
        if not 2 <= len(ids) <= MAX_PLAYERS:
            raise ValueError(f"compare needs 2 to {MAX_PLAYERS} versions, not {len(ids)}")
        if len(set(ids)) != len(ids):
            raise ValueError("compare needs different versions (one was given twice)")
        for vid in ids:
            try:
                version = self.project.version(vid)
            except KeyError:
                raise ValueError(f"no such version in this project: {vid}") from None
            if version.deleted:
                raise ValueError(f"version {vid} is deleted; restore it to compare it")
        self.version_ids = ids
        self.session_lineage = None  # a comparison of the caller's own choosing ends a blind session
        self.blind = bool(blind)
        self.seed = int(seed) if seed is not None else self.rng.randrange(1, 2 ** 31)
        order = list(range(len(ids)))
        if self.blind:
            self.rng.shuffle(order)
        self.shown = [ids[i] for i in order]
        self.has_voted = False
        self._closed = False
        self._layout_players(len(ids))
        mode = "Blind A/B" if self.blind else "Compare"
        self.mode_label.setText(mode)
        self.setWindowTitle(mode)
        self.seed_label.setText(f"seed {self.seed}")
        self._build_vote_buttons(len(ids))
        self.reveal.hide()
        self.next_button.hide()
        for slot in self.slots:
            self._set_verdict(slot, "")
        for i, (player, vid) in enumerate(zip(self.players, self.shown)):
            player.set_seed(self.seed)
            player.play(vid, self._title(i, reveal=False))
            self._watch_keys(player)
        self.restart_action.setEnabled(True)
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def blind_session(self, lineage_id: str, seed: int | None = None) -> bool:
        """Blind A/B within a lineage: compare the pair ``pick_pair`` suggests, and after each vote
        "Next pair" moves on to the next suggestion by itself. False (with a message in the view)
        when the lineage has fewer than two playable versions."""
        pair = pick_pair(self.project, lineage_id, self.rng)
        if pair is None:
            self.prompt.setText("This lineage needs two evaluated versions to compare.")
            return False
        self.compare(list(pair), blind=True, seed=seed)
        self.session_lineage = lineage_id
        return True

    def next_pair(self) -> None:
        """After a vote: ask for the next pair (``next_pair_requested``); in a blind session, show it."""
        self.next_pair_requested.emit()
        lineage = self.session_lineage
        if lineage is None and self.version_ids:  # a pair the designer picked: go on in its lineage
            try:
                lineage = self.project.version(self.version_ids[0]).lineage_id
            except Exception:  # the version is gone: nothing to go on with
                lineage = None
        if lineage is None or not self.blind_session(lineage):
            self.next_button.hide()

    def restyle(self) -> None:
        """Take the colours of the theme now in use (after Settings ▸ Appearance)."""
        self.setStyleSheet(_QSS.format(**colors()))
        for player in self.players:
            player.restyle()

    def restart_all(self) -> None:
        """Restart every game at the same moment (each reloads with the shared seed)."""
        for player in self.players[:len(self.shown)]:
            player.restart()

    def slot_of(self, version_id: str) -> int:
        """Which slot (0 = A) shows a version; for the studio and tests, never displayed in blind mode."""
        return self.shown.index(version_id)

    def vote(self, choice: str) -> list:
        """Record a vote: a slot letter ("A".."D": it is better / best), "tie" or "both_bad".
        Returns the stored votes (empty when there is nothing to vote on)."""
        n = len(self.shown)
        if self.has_voted or n < 2:
            return []
        if choice in ("tie", "both_bad") and n != 2:
            self.prompt.setText("Tie and Both bad compare two games; pick the best one instead.")
            return []
        battles = []
        if choice in ("tie", "both_bad"):
            battles.append((self.version_ids[0], self.version_ids[1], VoteOutcome(choice)))
        else:
            if choice not in LETTERS[:n]:
                return []
            best = self.shown[LETTERS.index(choice)]
            for other in self.version_ids:
                if other == best:
                    continue
                if self.version_ids.index(best) < self.version_ids.index(other):
                    battles.append((best, other, VoteOutcome.LEFT))
                else:
                    battles.append((other, best, VoteOutcome.RIGHT))
        stored = []
        try:
            for left, right, outcome in battles:
                stored.append(self.project.add_vote(left, right, outcome, blind=self.blind))
        except Exception as exc:  # a closed or read-only project file: say so, keep the comparison
            self.prompt.setText(f"The vote could not be saved: {exc}")
            return stored
        self.has_voted = True
        self._refit()
        for v in stored:
            self.voted.emit(v.left, v.right, v.outcome.value)
        self._reveal(choice)
        return stored

    def shutdown(self) -> None:
        """Stop every game (call before deleting the view; pages go before their profile)."""
        for player in self.players:
            if player.version_id:
                player.stop()
        self.restart_action.setEnabled(False)

    def close_compare(self) -> None:
        self.shutdown()
        if not self._closed:
            self._closed = True
            self.closed.emit()

    def toggle_full_screen(self) -> None:
        win = self.window()
        if self.fullscreen_action.isChecked():
            win.showFullScreen()
        else:
            win.showNormal()

    def visible_texts(self) -> list[str]:
        """Every text a person can see or hover in the view (labels, buttons, tooltips, titles)."""
        texts = [self.windowTitle(), self.toolTip()]
        for w in self.findChildren(QWidget):
            texts.append(w.toolTip())
            texts.append(w.windowTitle())
            if hasattr(w, "text") and callable(w.text):
                try:
                    texts.append(str(w.text()))
                except TypeError:
                    pass
        for a in self.findChildren(QAction):
            texts += [a.text(), a.toolTip(), a.statusTip()]
        return [t for t in texts if t]

    # -- internals -------------------------------------------------------------------------
    def _layout_players(self, n: int) -> None:
        while len(self.players) < n:
            player = GamePlayer(self.sandbox)
            player.scope_shortcuts()
            player.installEventFilter(self)
            player.game_loaded.connect(lambda ok, p=player: self._watch_keys(p))
            player.page_replaced.connect(lambda _page, p=player: self._watch_keys(p))
            slot = QFrame()
            slot.setObjectName("CompareSlot")
            inner = QVBoxLayout(slot)
            inner.setContentsMargins(6, 4, 6, 6)
            inner.addWidget(player)
            self.players.append(player)
            self.slots.append(slot)
        for i, slot in enumerate(self.slots):
            self.grid.removeWidget(slot)
            if i < n:
                row, col = (divmod(i, 2) if n == 4 else (0, i))
                self.grid.addWidget(slot, row, col)
                slot.show()
            else:
                if self.players[i].version_id:
                    self.players[i].stop()
                slot.hide()
        for c in range(MAX_PLAYERS):
            self.grid.setColumnStretch(c, 1 if c < (2 if n == 4 else n) else 0)
        for r in range(2):
            self.grid.setRowStretch(r, 1 if r < (2 if n == 4 else 1) else 0)

    def _build_vote_buttons(self, n: int) -> None:
        while self.buttons_row.count():
            item = self.buttons_row.takeAt(0)
            if item.widget() is not None and item.widget() is not self.next_button:
                item.widget().deleteLater()
        self.vote_buttons = {}
        if n == 2:
            spec = [("A", "◀  A is better", "1 or Left"), ("tie", "Tie", "3, Down or T"),
                    ("both_bad", "Both bad", "4 or B"), ("B", "B is better  ▶", "2 or Right")]
            self.prompt.setText("Which game is more fun? Vote with 1–4 (or ←, →, ↓, B outside the games).")
        else:
            spec = [(LETTERS[i], f"{LETTERS[i]} is best", str(i + 1)) for i in range(n)]
            self.prompt.setText(f"Which of the {n} games is the most fun? Vote with 1–{n}.")
        # Two players: A's button under A, B's under B, the two verdicts on both in the middle.
        breaks = {0, 1, 3, 4} if n == 2 else {0, n}
        self.buttons_row.addStretch(1)
        for i, (choice, text, keys) in enumerate(spec):
            if i in breaks - {0, len(spec)}:
                self.buttons_row.addStretch(1)
            button = QPushButton(text)
            button.setObjectName("VoteButton")
            button.setMinimumWidth(120)
            button.setToolTip(f"{text.strip('◀▶ ')} ({keys})")
            button.clicked.connect(lambda _=False, c=choice: self.vote(c))
            self.buttons_row.addWidget(button)
            self.vote_buttons[choice] = button
        self.buttons_row.addWidget(self.next_button)
        self.buttons_row.addStretch(1)

    def _digit(self, n: int) -> None:
        count = len(self.shown)
        if count == 2:
            choice = {1: "A", 2: "B", 3: "tie", 4: "both_bad"}[n]
        elif n <= count:
            choice = LETTERS[n - 1]
        else:
            return
        self.vote(choice)

    def _title(self, slot: int, reveal: bool) -> str:
        letter = LETTERS[slot]
        if self.blind and not reveal:
            return letter
        return f"{letter}  ·  {self._describe(self.shown[slot])}"

    def _describe(self, version_id: str, scores: bool = False) -> str:
        v = self.project.version(version_id)
        try:
            lineage = self.project.lineage(v.lineage_id).title
        except Exception:  # noqa: BLE001 — a title is nice to have
            lineage = "?"
        parts = [lineage, "seed" if v.is_root else f"gen {v.generation}"]
        if scores:
            if v.reward is not None:
                parts.append(f"reward {v.reward:.2f}")
            if v.bt_score is not None:
                parts.append(f"BT {v.bt_score:.0f}")
        return "  ·  ".join(parts)

    def _refit(self) -> None:
        try:
            from ludeme.evolution.ratings import update_bt_scores

            update_bt_scores(self.project, voter="human", bootstrap=20)
        except Exception as exc:  # noqa: BLE001 — the vote is stored; the fit can run again later
            self.prompt.setText(f"Vote saved; the ratings could not be refitted: {exc}")

    def _reveal(self, choice: str) -> None:
        n = len(self.shown)
        for i, player in enumerate(self.players[:n]):
            player.title.setText(self._title(i, reveal=True))
            if choice in LETTERS:
                self._set_verdict(self.slots[i], "winner" if LETTERS[i] == choice else "loser")
            elif choice == "both_bad":
                self._set_verdict(self.slots[i], "bad")
        for button in self.vote_buttons.values():
            button.setEnabled(False)
        said = {"tie": "a tie", "both_bad": "both bad"}.get(choice, f"{choice} is {'better' if n == 2 else 'best'}")
        names = [f"<b>{LETTERS[i]}</b> was {html.escape(self._describe(self.shown[i], scores=True))}"
                 for i in range(n)]
        self.reveal.setText(f"You voted <b>{said}</b>.&nbsp;&nbsp; " + "&nbsp;&nbsp;|&nbsp;&nbsp;".join(names))
        self.reveal.show()
        self.prompt.setText("Vote saved. Keep playing, or go on to the next pair.")
        self.next_button.show()
        self.next_button.setFocus(Qt.FocusReason.OtherFocusReason)

    @staticmethod
    def _set_verdict(slot: QFrame, verdict: str) -> None:
        slot.setProperty("verdict", verdict)
        slot.style().unpolish(slot)
        slot.style().polish(slot)

    def _watch_keys(self, player: GamePlayer) -> None:
        player.key_target().installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return False
        if obj in self.players:
            # A key the game did not handle comes back up to its player (QtWebEngine re-sends it to
            # the view's parent). Stop it here: bubbling on to this view would mirror it again, and
            # the games would bounce it back and forth for ever.
            return True
        if self.mirror.isChecked() and not self._forwarding:
            source = next((p for p in self.players if p.key_target() is obj), None)
            if source is not None:
                self._forward(event, skip=source)
        return False

    def _forward(self, event: QKeyEvent, skip: GamePlayer | None = None) -> None:
        self._forwarding = True
        try:
            for player in self.players[:len(self.shown)]:
                if player is not skip and player.version_id:
                    player.send_key_event(event)
        finally:
            self._forwarding = False

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 — focus outside the games
        if not self.mirror.isChecked():
            alias = _ALIASES.get(Qt.Key(event.key()))
            if alias and not self.has_voted and len(self.shown) == 2 and not event.modifiers():
                self.vote(alias)
                return
            if self.has_voted and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.next_pair()
                return
            super().keyPressEvent(event)
            return
        if self.shown:
            self._forward(event)
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if self.mirror.isChecked() and self.shown:
            self._forward(event)
            return
        super().keyReleaseEvent(event)

    def showEvent(self, event) -> None:  # noqa: N802
        # Full screen is this view's own only when it is a window of its own; inside the studio the
        # main window's Full screen (F11) applies, and a second F11 here would make both ambiguous.
        alone = self.isWindow()
        self.fullscreen_action.setVisible(alone)
        self.fullscreen_action.setShortcut(QKeySequence("F11") if alone else QKeySequence())
        super().showEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802
        self.close_compare()
        super().closeEvent(event)

