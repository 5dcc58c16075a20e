# One rule per kind of job of every registered study (dse_repro/studies/): <study>, or
# <study>_<kind> for a study with several kinds (dse_repro.workflow.job_rules), all
# built from the study's SPEC and conf: a new study needs no rule file. A training job keeps a
# resumable checkpoint.pt beside its results until they are written (deliberately not a declared
# output: Snakemake deletes the outputs of a failed job, and the checkpoint must survive a crash).
# A job that reads another study's job's files (job_upstream: the kernel-width job reads the
# training run's embeddings.npz) has them as named inputs.
from dse_repro.workflow import (
    JOB_SHELL,
    conf_inputs,
    job_benchmark,
    job_constraints,
    job_log,
    job_outputs,
    job_params,
    job_rules,
    job_threads,
    job_upstream,
    study_resources,
)

for _rule, _study, _kind in job_rules():

    rule:
        name:
            _rule
        input:
            conf_inputs(_study),
            unpack(job_upstream(_study, _kind)),
        output:
            **job_outputs(_study, _kind),
        log:
            job_log(_study, _kind),
        benchmark:
            job_benchmark(_study, _kind)
        wildcard_constraints:
            **job_constraints(_study, _kind),
        threads: job_threads(_study, _kind)
        resources:
            **study_resources(_study, _kind),
        params:
            **job_params(_study, _kind),
        shell:
            JOB_SHELL
