"""`abm epstein`: the file contract (series.csv), overrides, and bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from abm.cli import main
from abm.engine.model import EpsteinModel
from abm.engine.presets import preset


def test_writes_series_csv_and_a_plot(tmp_path, capsys):
    out = tmp_path / "run"
    assert (
        main(["epstein", "--preset", "run2", "--steps", "25", "--seed", "3", "--out", str(out)])
        == 0
    )
    df = pd.read_csv(out / "series.csv")
    assert list(df.columns) == ["step", "quiet", "active", "jailed"]
    assert df["step"].tolist() == list(range(26))  # one row per step, step 0 = initial
    assert (df[["quiet", "active", "jailed"]].sum(axis=1) == 1120).all()
    assert (out / "series.png").stat().st_size > 1000 and (out / "series.svg").exists()
    assert not list(out.glob("*.tmp*")) and not list(out.glob(".series*"))
    assert "wrote" in capsys.readouterr().out


def test_rule_and_set_reach_the_model(tmp_path):
    out = tmp_path / "floor"
    argv = ["epstein", "--preset", "run2", "--steps", "30", "--seed", "5", "--rule", "floor"]
    assert (
        main([*argv, "--set", "legitimacy=0.75", "--set", "cop_density=0.05", "--out", str(out)])
        == 0
    )
    got = pd.read_csv(out / "series.csv")
    overrides, _, _ = preset("run2")
    m = EpsteinModel(
        overrides | {"arrest_rule": "floor", "legitimacy": 0.75, "cop_density": 0.05},
        rng=5,
    )
    m.run_for(30)
    want = m.series()[["step", "quiet", "active", "jailed"]].astype(int)
    pd.testing.assert_frame_equal(got, want)


def test_set_takes_schedules(tmp_path):
    out = tmp_path / "sched"
    argv = ["epstein", "--preset", "run2", "--steps", "12", "--out", str(out)]
    assert main([*argv, "--set", "legitimacy=step:0.95,0.5,6"]) == 0
    df = pd.read_csv(out / "series.csv")
    assert (df["active"].iloc[:6] == 0).all()  # L >= 1 - T: nobody active before step 6
    assert df["active"].iloc[6:].max() > 0


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--set", "legitimacy=2"], "'legitimacy'"),
        (["--set", "legitimacy"], "NAME=VALUE"),
        (["--set", "nosuch=1"], "'nosuch'"),
        (["--set", "cop_density=0.5"], "at most 1 - citizen_density"),
        (["--set", "vision=25"], "below half the grid side"),
        (["--set", "arrest_rule=ceil"], "literal, floor, round"),
        (["--steps", "-4"], "'--steps'"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message_and_writes_nothing(tmp_path, capsys, extra, needle):
    out = tmp_path / "never"
    assert main(["epstein", "--out", str(out), *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("abm epstein: error:") and needle in err and "allowed" in err
    assert not out.exists()


def test_argparse_rejects_unknown_preset_and_rule(tmp_path, capsys):
    for argv in (["--preset", "run9"], ["--rule", "ceil"], ["--steps", "ten"]):
        with pytest.raises(SystemExit) as exc:
            main(["epstein", "--out", str(tmp_path / "x"), *argv])
        assert exc.value.code == 2
        assert "invalid" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_out_must_be_a_folder(tmp_path, capsys):
    f = tmp_path / "file"
    f.write_text("x")
    assert main(["epstein", "--steps", "1", "--out", str(f)]) == 2
    assert "'--out'" in capsys.readouterr().err
    assert f.read_text() == "x"


def test_help_of_the_command_and_the_subcommand():
    entry = Path(sys.executable).parent / "abm"  # the installed console script
    command = [str(entry)] if entry.exists() else [sys.executable, "-m", "abm.cli"]
    top = subprocess.run([*command, "--help"], capture_output=True, text=True, check=False)
    assert top.returncode == 0 and "epstein" in top.stdout
    sub = subprocess.run(
        [sys.executable, "-m", "abm.cli", "epstein", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert sub.returncode == 0
    for word in ("--preset", "--steps", "--seed", "--rule", "--set", "--out", "run5", "netlogo"):
        assert word in sub.stdout
