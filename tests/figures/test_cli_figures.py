"""`revsgd figures`: --only, --out, --seed and a clear error for an unknown name."""

from revsgd.cli import build_parser, main


def test_unknown_only_is_a_clear_error(tmp_path, capsys):
    assert main(["figures", "--only", "nope", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "unknown figure 'nope'" in err and "trajectories" in err
    assert not any(tmp_path.iterdir())


def test_only_builds_one_figure(tmp_path, capsys):
    assert main(["figures", "--only", "contraction_region", "--out", str(tmp_path), "--seed", "2"]) == 0
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".csv", ".pdf", ".png"]
    assert "contraction_region" in capsys.readouterr().out


def test_default_out_dir():
    args = build_parser().parse_args(["figures"])
    assert args.out == "figures/out" and args.only is None and args.seed == 0
