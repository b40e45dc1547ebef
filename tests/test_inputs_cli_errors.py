"""Clear errors, not tracebacks: bad --out, bad seeds, unreadable spec files and bad values for
every subcommand end in one line naming the field (exit 2) before any model runs; the
machine's own refusals (OSError) too, while a real bug keeps its traceback."""

from __future__ import annotations

import errno
import os
import subprocess
import sys

import pytest

from abm import cli_run
from abm.cli import main
from abm.cli_checks import check_out_folder

SPEC = 'model = "epstein"\nscenario = "run2"\nsteps = 2\n'


def exit_code(argv: list[str]) -> int:
    """What `abm ARGV` exits with (argparse's own refusals raise SystemExit)."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code)


# ------------------------------------------------------------------------------------ --out
@pytest.fixture
def a_file(tmp_path):
    path = tmp_path / "a_file.txt"
    path.write_text("not a folder\n")
    return path


@pytest.mark.parametrize("command", ["run", "epstein", "sweep"])
@pytest.mark.parametrize(
    ("where", "allowed"),
    [
        (lambda f: f, "a folder (this path is a file)"),
        (lambda f: f / "below", "is a file)"),
        (lambda f: "/proc/abm-not-writable/out", "a folder this user can write"),
    ],
)
def test_a_bad_out_is_refused_before_the_model_runs(
    tmp_path, a_file, capsys, monkeypatch, command, where, allowed
):
    ran = []
    monkeypatch.setattr("abm.runner.run", lambda *a, **k: ran.append(a))
    out = where(a_file)
    argv = {
        "run": ["run", "--steps", "2"],
        "epstein": ["epstein", "--steps", "2"],
        "sweep": ["sweep", str(tmp_path / "s.toml")],
    }[command]
    (tmp_path / "s.toml").write_text(SPEC)
    assert exit_code([*argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "'--out'" in err and str(out) in err and allowed in err
    assert "Traceback" not in err and not ran


def test_a_folder_without_write_permission_is_refused(tmp_path, capsys):
    if os.geteuid() == 0:
        pytest.skip("root writes through permission bits (the /proc case covers root)")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    assert exit_code(["run", "--steps", "2", "--out", str(locked / "out")]) == 2
    assert "a folder this user can write" in capsys.readouterr().err


def test_the_write_check_leaves_nothing_behind(tmp_path):
    # a run refused after the check (or one that fails) must not leave empty folders
    out = tmp_path / "new" / "deeper"
    check_out_folder("--out", out)
    assert not (tmp_path / "new").exists()
    existing = tmp_path / "existing"
    existing.mkdir()
    check_out_folder("--out", existing)
    assert list(existing.iterdir()) == []  # the probe file is gone


# ------------------------------------------------------------------------------------ seeds
@pytest.mark.parametrize("command", ["run", "epstein"])
@pytest.mark.parametrize("seed", ["-1", str(2**63), str(10**30)])
def test_a_seed_outside_zero_to_2_63_is_refused(tmp_path, capsys, command, seed):
    assert exit_code([command, "--steps", "2", "--seed", seed, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"'--seed': got {seed}" in err and "[0, 9,223,372,036,854,775,807]" in err


@pytest.mark.parametrize("seed", ["1.5", "abc", "nan"])
def test_a_seed_that_is_not_an_integer_gets_a_usage_error(capsys, seed):
    assert exit_code(["run", "--seed", seed]) == 2
    assert "invalid int value" in capsys.readouterr().err


def test_the_largest_seed_is_accepted(tmp_path):
    out = tmp_path / "run"
    assert exit_code(["run", "--steps", "1", "--seed", str(2**63 - 1), "--out", str(out)]) == 0


# ------------------------------------------------------------------------------ spec files
@pytest.mark.parametrize(
    ("content", "allowed"),
    [
        (b'model = "epstein"\nname = "\xff\xfe"\n', "a UTF-8 text file (byte 26 is 0xff)"),
        (b'model = "epstein\n', "valid TOML"),
        (b"model = [\n", "valid TOML"),
        (b'steps = 1e999\nmodel = "epstein"\n', "steps"),
        (b'model = "epstein"\nreplicates = nan\n', "replicates"),
    ],
)
def test_a_bad_spec_file_is_named_in_one_line(tmp_path, capsys, content, allowed):
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    assert exit_code(["sweep", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert allowed in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_folder_given_as_spec_is_named(tmp_path, capsys):
    assert exit_code(["sweep", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "'SPEC'" in err and str(tmp_path) in err and "a readable TOML file" in err


# ----------------------------------------------------------------- every subcommand, bad values
@pytest.mark.parametrize(
    "argv",
    [
        ["epstein", "--preset", "run99"],
        ["epstein", "--rule", "ceil"],
        ["epstein", "--set", "legitimacy"],
        ["epstein", "--steps", "ten"],
        ["run", "--scenario", "nope"],
        ["run", "--set", "sanctions=nan"],
        ["run", "--steps", "1e9"],
        ["params", "--group", "nope"],
        ["scenarios", "extra"],
        ["plot", "no/such/folder"],
        ["plot", "no/such/folder", "--confidence", "nan"],
        ["report", "no/such/folder"],
        ["report", "no/such/folder", "--impute", "zero"],
        ["sweep", "--out", "x"],
        ["sweep", "no/such/spec.toml", "--out", "x"],
        ["sweep", "--resume", "--out", "no/such/folder"],
        ["sweep", "x.toml", "--out", "x", "--executor", "ray"],
        ["dashboard", "--port", "70000"],
        ["dashboard", "--port", "-1"],
        ["dashboard", "--host", "0.0.0.0"],
        ["dashboard", "--model", "nope"],
        ["nosuchcommand"],
    ],
)
def test_no_subcommand_answers_bad_values_with_a_traceback(tmp_path, monkeypatch, capsys, argv):
    monkeypatch.chdir(tmp_path)
    assert exit_code(argv) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[-1].startswith("abm") and "error:" in lines[-1]  # one line says what is wrong
    assert all(line.startswith(("usage:", " ")) for line in lines[:-1])  # argparse's usage


def test_the_installed_command_prints_one_line_for_nan(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "abm.cli", "run", "--set", "sanctions=nan"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "abm run: error: parameter 'sanctions': got 'nan'; allowed: a finite number or a "
        "schedule (step:a,b,t / linear:a,b,t0,t1 / piecewise:v@t,...) in [0, 1] (knot 1 is "
        "nan; every knot must be a finite number)"
    ]
    assert not (tmp_path / "out").exists()


# -------------------------------------------------------------------- OSError net, real bugs
def test_the_machines_refusal_is_one_line_naming_the_file(tmp_path, monkeypatch, capsys):
    def full_disk(out, result):
        raise OSError(errno.ENOSPC, "No space left on device", str(out / "series.csv"))

    monkeypatch.setattr(cli_run, "write_outputs", full_disk)
    assert main(["run", "--steps", "1", "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"abm run: error: No space left on device: {tmp_path / 'run' / 'series.csv'}"


def test_a_real_bug_keeps_its_traceback(tmp_path, monkeypatch):
    def bug(out, result):
        raise KeyError("a bug")

    monkeypatch.setattr(cli_run, "write_outputs", bug)
    with pytest.raises(KeyError, match="a bug"):
        main(["run", "--steps", "1", "--out", str(tmp_path / "run")])
