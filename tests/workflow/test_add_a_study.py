"""The README's "add a study" recipe, done for real: four new files in a copy of the repository
(conf, study module with its SPEC, plot, caption; the job rule comes from the rule loop) and
nothing else edited; the
workflow runs the new study's jobs, collects them, draws its figure and lists it in ``all``."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from _repo import copy_repository

pytestmark = [pytest.mark.pipeline]

FILES = {
    "conf/study/toy.yaml": """\
# A toy study: the mean of n uniform draws, one job per n.
name: toy
ns: [10, 1000]
resources: {threads: 1, mem_mb: 500, runtime: 5}
""",
    "dse_repro/studies/toy.py": '''\
"""Toy study: the mean of n seeded uniform draws. Tidy rows: n, measure, value, unit."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from omegaconf import DictConfig

from dse_repro.studies._runner import hydra_entry, job_values, rng_for
from dse_repro.studies.spec import JobKind, Resources, StudySpec


@dataclass
class Settings:
    name: str
    ns: list[int]
    resources: Resources


SPEC = StudySpec(
    name="toy",
    settings=Settings,
    job_keys=("n",),
    kinds={"job": JobKind("n{n}", {"n": r"\\d+"})},
    slices=lambda cfg: [("job", {"n": str(int(n))}) for n in cfg.studies.toy.ns],
    figures=("figS9",),
    columns=dict(n="int", measure="str", value="float", unit="str"),
)


def run(cfg: DictConfig) -> pd.DataFrame:
    s = cfg.studies.toy
    return pd.DataFrame([dict(n=int(n), measure="mean", value=float(rng_for(cfg.seed, "toy", n)
                                                                    .random(int(n)).mean()),
                              unit="unitless") for n in job_values(s, "n", s.ns)])


main = hydra_entry("toy", run)

if __name__ == "__main__":
    main()
''',
    "dse_repro/plots/figS9.py": '''\
"""Fig. S9 - the toy study."""
from ._style import plt


def plot(df):
    fig, ax = plt.subplots()
    ax.plot(df["n"], df["value"], "o-")
    return fig
''',
    "report/captions/figS9.rst": "**Fig. S9 -- toy.** The mean of n uniform draws.\n",
}


def test_a_new_study_is_four_files(tmp_path):
    repo = copy_repository(tmp_path / "repo")
    for rel, text in FILES.items():
        (repo / rel).write_text(text)
    env = {**os.environ, "PYTHONPATH": str(repo)}  # the copy's package, not the installed one
    run = lambda *a: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "snakemake", "--cores", "2", *a, "--config", "scale=smoke"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    dry = run("-n")
    assert dry.returncode == 0, dry.stderr[-3000:]
    assert "toy" in dry.stdout and "figures/smoke/figS9.pdf" in dry.stdout
    proc = run("figures/smoke/figS9.pdf")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert (repo / "figures/smoke/figS9.pdf").read_bytes()[:5] == b"%PDF-"
    df = pd.read_csv(repo / "results/smoke/toy.csv")
    assert list(df.columns) == ["study", "scale", "n", "measure", "value", "unit"]
    assert list(df["n"]) == [10, 1000] and df["value"].between(0, 1).all()
    assert (repo / "results/smoke/toy/n10/.hydra/config.yaml").is_file()
    # Nothing else was edited: the copy differs from the repository by the four files only.
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=Path(
        __file__).resolve().parents[2], capture_output=True, text=True, check=True).stdout.split()
    new = {str(p.relative_to(repo)) for p in repo.rglob("*") if p.is_file()
           and not str(p.relative_to(repo)).startswith(("results/", "figures/", "logs/",
                                                         ".snakemake/"))
           and "__pycache__" not in p.parts}
    assert new - set(listed) == set(FILES)
