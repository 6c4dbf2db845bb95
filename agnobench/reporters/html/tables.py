"""A :class:`Section` as an HTML table with its notes: the same table the terminal shows."""

from __future__ import annotations

from agnobench.reporters.html.escaping import text
from agnobench.reporters.sections import Section


def _cell(value: str, marks: bool) -> str:
    body = text(value)
    if marks:
        body = body.replace("✓", '<span class="met">✓</span>').replace("✗", '<span class="missed">✗</span>')
    return body


def section_html(section: Section, heading: str | None = None, level: int = 3) -> str:
    """Header, rows (failed rows marked, ✓/✗ coloured, right-aligned columns kept), then the notes."""
    head = "".join(f'<th class="{"num" if i in section.right else "txt"}">{text(c)}</th>'
                   for i, c in enumerate(section.columns))
    rows = []
    for index, row in enumerate(section.rows):
        cells = "".join(f'<td class="{"num" if i in section.right else "txt"}">{_cell(c, i == section.marks)}</td>'
                        for i, c in enumerate(row))
        rows.append(f'<tr{" class=failed" if index in section.failed else ""}>{cells}</tr>')
    notes = "".join(f"<li>{text(n)}</li>" for n in section.notes)
    title = text(heading if heading is not None else section.title)
    return (f'<section class="table"><h{level}>{title}</h{level}>'
            f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
            + (f'<ul class="notes">{notes}</ul>' if notes else "") + "</section>")


def facts_section(title: str, facts: dict[str, object]) -> Section:
    """Key/value facts (environment, settings) as a two-column Section."""
    return Section(title=title, columns=["", ""], rows=[[str(k), str(v)] for k, v in facts.items()])
