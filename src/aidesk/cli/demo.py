"""`aidesk demo`: the product's main job on a bundled example, until the web desk exists.

It assesses a bundled AI system profile (a CV-screening assistant) under the AI Act as in
force today, prints the report, then quotes the provisions that make its classification.
"""

from __future__ import annotations

from aidesk.cli import app
from aidesk.cli.common import console


@app.command()
def demo() -> None:
    """Assess a bundled example AI system and show the law behind the result."""
    from rich.panel import Panel
    from rich.rule import Rule
    from rich.text import Text

    from aidesk.cli.assess import render_report
    from aidesk.law.corpus import load_corpus, locate
    from aidesk.rules import assess, example_profile, parse_profile

    example = example_profile()
    profile = parse_profile(example.read_text(encoding="utf-8"), "yaml", example.name)
    console.print(Rule(f"aidesk demo · {profile.name}"))
    console.print(Text(f"Profile: {example.name} (bundled example)\n", style="dim"))
    assessment = assess(profile)
    render_report(assessment, console)

    corpus = load_corpus()
    grounds = [*assessment.prohibited_practices, *assessment.high_risk_grounds]
    console.print(Rule("Where the law says so"))
    for ref in grounds:
        located = locate(corpus, ref)
        body = Text("\n".join(located.headings[-1:]) + "\n", style="bold")
        for line in located.lead_in:
            body.append(line + "\n", style="dim")
        body.append(located.text)
        console.print(Panel(body, title=f"{located.citation} · {corpus.version}", title_align="left"))
    console.print(
        "Next: [bold]aidesk assess examples/profiles/customer-chatbot.yaml[/bold], "
        "[bold]aidesk law show 'Art. 5(1)(f)' --lang fr[/bold], [bold]aidesk directory search sandbox[/bold]"
    )
