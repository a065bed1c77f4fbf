"""`aidesk interview`: driven end to end through a pseudo-terminal (pexpect), including help and back, and
without questions (`--answers FILE`)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from questionnaire_helpers import AS_OF

from aidesk.rules.engine import assess
from aidesk.rules.profile import load_profile

pexpect = pytest.importorskip("pexpect")

AIDESK = [sys.executable, "-m", "aidesk"]
ENV = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", "TERM": "xterm"}
QUESTION = re.compile(r"(q_[a-z0-9_]+) · ")


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*AIDESK, "interview", *args], capture_output=True, text=True, env=ENV, cwd=cwd, timeout=120
    )


class Terminal:
    """A person at a terminal, answering `aidesk interview`."""

    def __init__(self, *args: str) -> None:
        self.child = pexpect.spawn(
            AIDESK[0], [*AIDESK[1:], "interview", "--as-of", AS_OF.isoformat(), *args],
            env=ENV, encoding="utf-8", dimensions=(60, 200), timeout=60,
        )  # fmt: skip
        self.seen: list[str] = []
        self.screens: list[str] = []

    def question(self) -> str:
        """Wait for the next question; its id."""
        qid = self.next_question()
        assert qid is not None
        return qid

    def next_question(self, done: str = "Interview complete") -> str | None:
        """Wait for the next question (its id) or the end of the interview (None)."""
        if self.child.expect([QUESTION, done]) == 1:
            return None
        qid = str(self.child.match.group(1))
        screen = str(self.child.before)
        self.child.expect("> ")
        self.screens.append(screen + str(self.child.before))
        self.seen.append(qid)
        return qid

    def answer(self, text: str) -> None:
        self.child.sendline(text)

    def expect(self, pattern: str) -> str:
        self.child.expect(pattern)
        return str(self.child.before)

    def end(self) -> tuple[str, int]:
        self.child.expect(pexpect.EOF)
        self.child.close()
        return str(self.child.before), int(self.child.exitstatus or 0)


SPAM_FILTER = {  # typed at the terminal
    "q_name": "MailShield spam filter",
    "q_kind": "1",
    "q_roles": "1,2",
    "q_location_established_in_eu": "y",
    "q_location_placed_on_eu_market": "yes",
    "q_exclusions": "0",
    "q_prohibited_practices": "0",
    "q_annex_i_legislation": "1",
    "q_annex_iii": "none",
    "q_transparency": "0",
    "q_organisation_size": "4",
}


def test_an_interactive_interview_with_help_back_and_a_written_profile(tmp_path: Path) -> None:
    out = tmp_path / "spam.yaml"
    term = Terminal("--out", str(out))
    assert term.question() == "q_name"
    term.answer("<")  # nothing to go back to
    term.expect("first question")
    term.answer(SPAM_FILTER["q_name"])
    assert term.question() == "q_kind"
    term.answer("?")  # help: the meaning, then the law it comes from
    term.expect("machine-based system")
    term.expect("Art. 3\\(63\\)")
    term.answer("9")  # not an option
    term.expect("Not a valid answer")
    term.answer("1")
    assert term.question() == "q_roles"
    term.answer("1,2")
    assert term.question() == "q_location_established_in_eu"
    term.answer("<")  # back: the roles again
    assert term.question() == "q_roles"
    term.answer("2")  # changed my mind: deployer only ...
    assert term.question() == "q_location_established_in_eu"
    term.answer("back")  # ... no, both
    assert term.question() == "q_roles"
    term.answer("1,2")
    while (qid := term.question()) != "q_organisation_size":
        term.answer(SPAM_FILTER[qid])
    term.answer(SPAM_FILTER[qid])
    output, status = term.end()
    assert status == 0, output
    assert "Interview complete" in output and "MINIMAL RISK" in output
    assert term.seen.count("q_roles") == 3
    assert len(set(term.seen)) <= 12
    profile = load_profile(out)
    assert profile.name == "MailShield spam filter"
    assert [r.value for r in profile.roles] == ["provider", "deployer"]
    assert assess(profile, "ai-act-2026", AS_OF).risk_class == "minimal"
    assert not list(tmp_path.glob(".*.tmp")), "a temporary file was left behind"


def test_in_french_with_i_dont_know(tmp_path: Path) -> None:
    out = tmp_path / "profil.json"
    term = Terminal("--lang", "fr", "--out", str(out))
    typed = {**SPAM_FILTER, "q_location_established_in_eu": "o", "q_location_placed_on_eu_market": "oui",
             "q_transparency": "nsp"}  # fmt: skip
    qid = term.question()
    assert qid == "q_name"
    while qid is not None:
        term.answer(typed[qid])
        qid = term.next_question("Questionnaire terminé")
    output, status = term.end()
    assert status == 0, output
    assert "Quel est votre rôle" in "".join(term.screens)
    assert "Questions ouvertes" in output and "could change" not in output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema"] == "aidesk/profile/v1" and "transparency" not in data


def test_leaving_the_interview_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "never.yaml"
    term = Terminal("--out", str(out))
    assert term.question() == "q_name"
    term.answer("Something")
    assert term.question() == "q_kind"
    term.child.sendeof()
    output, status = term.end()
    assert status == 130
    assert "nothing written" in output
    assert not out.exists()


def test_answers_from_a_file_without_questions(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        "q_name: CV screening assistant\nq_kind: ai_system\nq_roles: [provider]\n"
        "q_location_placed_on_eu_market: yes\nq_annex_iii: ['4']\nq_annex_iii_4: ['4(a)']\n"
        "q_placed_on_market: 2028-01-15\n",
        encoding="utf-8",
    )
    out = tmp_path / "profile.yaml"
    done = cli("--answers", str(answers), "--out", str(out), "--json", "--as-of", AS_OF.isoformat())
    assert done.returncode == 0, done.stderr
    assessment = json.loads(done.stdout)
    assert assessment["risk_class"] == "high_risk"
    assert assessment["high_risk_grounds"] == ["Annex III 4(a)"]
    assert 'taken as "I don\'t know"' in done.stderr and "q_exclusions" in done.stderr
    profile = load_profile(out)
    assert assess(profile, "ai-act-2026", AS_OF).to_json_dict() == assessment
    # The open questions name the questions left unanswered.
    assert {"q_exclusions", "q_prohibited_practices"} <= {q["question"] for q in assessment["open_questions"]}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("q_name: X\nq_roles: [boss]\n", "q_roles: 'boss' is not an option"),
        ("q_kind: ai_system\n", "q_name: no answer"),
        ("q_name: X\nq_what: 1\n", "q_what: no such question"),
        ("- q_name\n", "expected a mapping"),
        ("q_name: [unclosed\n", "not valid YAML"),
        ("q_name: X\nq_placed_on_market: 2026-02-30\n", "q_placed_on_market"),
    ],
)
def test_bad_answers_are_one_line_and_exit_2(tmp_path: Path, content: str, message: str) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(content, encoding="utf-8")
    out = tmp_path / "profile.yaml"
    done = cli("--answers", str(answers), "--out", str(out))
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and str(answers) in lines[0]
    assert not out.exists()


def test_a_missing_answers_file_exits_2(tmp_path: Path) -> None:
    done = cli("--answers", str(tmp_path / "nope.yaml"))
    assert done.returncode == 2 and "no such file" in done.stderr


def test_list_shows_every_question_id() -> None:
    done = cli("--list", "--json")
    assert done.returncode == 0
    rows = json.loads(done.stdout)
    assert {"q_name", "q_roles", "q_annex_iii_4", "q_transparency_deep_fake"} <= {r["id"] for r in rows}
