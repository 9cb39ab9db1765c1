"""``revsgd experiment``: bad input exits 2 on one line naming the option, before any work."""

import pytest

from revsgd.cli import main

BAD = [
    (["experiment", "mnist"], "NAME"),
    (["experiment"], "NAME"),
    (["experiment", "digits", "--steps", "0"], "--steps"),
    (["experiment", "digits", "--steps", "-5"], "--steps"),
    (["experiment", "digits", "--steps", "2.5"], "--steps"),
    (["experiment", "digits", "--steps", "100"], "--steps"),  # fewer than 8 epochs
    (["experiment", "digits", "--seeds", "0"], "--seeds"),
    (["experiment", "digits", "--seeds", "x"], "--seeds"),
    (["experiment", "digits", "--lr", "0"], "--lr"),
    (["experiment", "digits", "--lr", "-0.1"], "--lr"),
    (["experiment", "digits", "--lr", "0.1,inf"], "--lr"),
    (["experiment", "digits", "--lr", "nan"], "--lr"),
    (["experiment", "digits", "--lr", ","], "--lr"),
    (["experiment", "digits", "--lr", "fast"], "--lr"),
]


@pytest.fixture
def no_work(monkeypatch):
    """Make any attempt to run the experiment an error."""

    def refuse(*args, **kwargs):
        raise AssertionError("work started before the arguments were validated")

    monkeypatch.setattr("revsgd.experiments.digits.run_digits", refuse)


@pytest.mark.parametrize("argv,option", BAD, ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_bad_invocation_exits_2_on_one_line(argv, option, capsys, no_work):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and option in err and "Traceback" not in err, err


@pytest.fixture
def blocked(tmp_path):
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    return {"folder": str(tmp_path), "under_file": str(a_file / "x"), "a_file": str(a_file)}


@pytest.mark.parametrize("option,where", [("--json", "folder"), ("--json", "under_file"),
                                          ("--out", "a_file"), ("--out", "under_file")])
def test_output_that_cannot_be_written_exits_2(option, where, blocked, capsys, no_work):
    assert main(["experiment", "digits", "--quick", option, blocked[where]]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and option in err, err


def test_missing_jax_names_the_extra(monkeypatch, capsys, no_work):
    import revsgd.theory.extras as extras

    real = extras.missing_modules
    monkeypatch.setattr(extras, "missing_modules", lambda extra: ["jax"] if extra == "jax" else real(extra))
    assert main(["experiment", "digits", "--quick"]) == 1
    err = capsys.readouterr().err
    assert "pip install 'revsgd[jax]'" in err and len(err.strip().splitlines()) == 1, err


def test_help_names_the_options(capsys):
    assert main(["experiment", "--help"]) == 0
    out = capsys.readouterr().out
    for option in ("--quick", "--seeds", "--lr", "--steps", "--json", "--out", "digits"):
        assert option in out
