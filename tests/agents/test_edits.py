"""SEARCH/REPLACE parsing and the tolerant matcher."""
from __future__ import annotations

import pytest

from ludeme.agents.edits import (EditFailed, EditParseError, apply_edit, apply_edits,
                                 extract_html, looks_like_html_document, parse_edits)
from ludeme.agents.schemas import Edit

CODE = """function update(g, dt) {
  const p = g.first("player");
  if (g.input.down("left")) p.vx = -200;
  if (g.input.down("right")) p.vx = 200;
  p.x += p.vx * dt;
}

function draw(g, ctx) {
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, g.W, g.H);
}
"""

DOC = ("<!DOCTYPE html>\n<html><head><title>t</title></head><body><canvas id='game'></canvas>\n"
       "<script>\nconst x = 1;\n</script>\n</body></html>\n")


def test_exact_match():
    new, rep = apply_edit(CODE, Edit(search='p.vx = -200;', replace='p.vx = -300;'))
    assert "p.vx = -300;" in new and "-200" not in new
    assert rep.how == "exact" and rep.line == 3


def test_whitespace_tolerant_match_reindents():
    search = "if (g.input.down(\"left\")) p.vx = -200;\n    if (g.input.down(\"right\")) p.vx = 200;"
    replace = "if (g.input.down(\"left\")) p.vx = -250;\n    if (g.input.down(\"right\")) p.vx = 250;"
    new, rep = apply_edit(CODE, Edit(search=search, replace=replace))
    assert rep.how == "whitespace"
    assert '  if (g.input.down("left")) p.vx = -250;' in new
    assert '  if (g.input.down("right")) p.vx = 250;' in new


def test_fuzzy_match():
    search = ('function draw(g, ctx) {\n  ctx.fillStyle = "#ffffff";\n'
              '  ctx.fillRect(0, 0, g.W, g.H);\n}')
    new, rep = apply_edit(CODE, Edit(search=search, replace="function draw(g, ctx) {}"))
    assert rep.how == "fuzzy" and rep.score >= 0.9 and rep.line == 8
    assert "function draw(g, ctx) {}" in new and "fillRect" not in new
    assert "p.x += p.vx * dt;" in new


def test_ambiguous_exact_match_names_the_edit():
    text = "a();\nb();\na();\n"
    with pytest.raises(EditFailed) as info:
        apply_edits(text, [Edit(search="b();", replace="c();"), Edit(search="a();", replace="d();")])
    assert info.value.index == 1
    assert "edit 2 of 2" in str(info.value) and "ambiguous" in str(info.value)


def test_ambiguous_whitespace_match():
    text = "  a();\n  b();\nx();\n    a();\n  b();\n"
    with pytest.raises(EditFailed, match="ambiguous"):
        apply_edit(text, Edit(search="a();\nb();", replace="z();"))


def test_missing_match_lists_every_failure():
    edits = [Edit(search="nothing like this", replace="x"),
             Edit(search="p.x += p.vx * dt;", replace="p.x += p.vx * dt * 2;"),
             Edit(search="also missing entirely here", replace="y")]
    with pytest.raises(EditFailed) as info:
        apply_edits(CODE, edits)
    err = info.value
    assert err.index == 0 and "not found" in err.reason
    assert [f.index for f in err.failures] == [0, 2]
    assert "edit 1 of 3" in str(err)


def test_edits_apply_in_sequence():
    out = apply_edits(CODE, [Edit(search="-200", replace="-210"), Edit(search="-210", replace="-220")])
    assert "-220" in out.text and [r.how for r in out.reports] == ["exact", "exact"]


def test_parse_blocks_with_fences_and_missing_final_marker():
    reply = """Here you go.
```js
<<<<<<< SEARCH
a();
=======
b();
>>>>>>> REPLACE
```
<<<<<<< SEARCH
```javascript
c();
```
=======
```javascript
d();
```
<<<<<<< SEARCH
e();
=======
f();
"""
    edits = parse_edits(reply)
    assert [(e.search, e.replace) for e in edits] == [("a();", "b();"), ("c();", "d();"), ("e();", "f();")]


@pytest.mark.parametrize("reply", [
    "<<<<<<< SEARCH\na();\n>>>>>>> REPLACE\n",
    "<<<<<<< SEARCH\na();\n",
    "<<<<<<< SEARCH\n=======\nb();\n>>>>>>> REPLACE\n",
    "<<<<<<< SEARCH\na();\n=======\nb();\n=======\nc();\n>>>>>>> REPLACE\n",
])
def test_malformed_blocks(reply):
    with pytest.raises(EditParseError):
        parse_edits(reply)


def test_no_edits_is_a_failure():
    with pytest.raises(EditFailed):
        apply_edits(CODE, [])


def test_html_helpers():
    assert looks_like_html_document(DOC)
    assert not looks_like_html_document("<div>hi</div>")
    assert not looks_like_html_document(DOC.replace("</html>", ""))
    assert extract_html(f"Sure!\n```html\n{DOC}```\nEnjoy.").strip() == DOC.strip()
    assert extract_html(f"Sure! {DOC} bye").strip() == DOC.strip()
    assert extract_html("no document here") is None


def test_fuzzy_is_fast_enough_on_a_big_file():
    import time

    big = "\n".join(f"  let v{i} = compute({i}, 'x{i}');" for i in range(3000))
    search = "\n".join(f"let v{i} = compute({i}, 'x{i}' );" for i in range(1500, 1520))
    t = time.perf_counter()
    new, rep = apply_edit(big, Edit(search=search, replace="  // gone"))
    assert rep.how == "fuzzy" and rep.line == 1501
    assert time.perf_counter() - t < 5
