#!/usr/bin/env bash
# A real single-node SLURM on this machine, for testing profiles/slurm (run as root).
#
#   scripts/local_slurm.sh up      install (apt-get, when missing) and start munge + slurmctld + slurmd
#   scripts/local_slurm.sh down    stop them and restore any /etc/slurm/slurm.conf that was there
#   scripts/local_slurm.sh status  sinfo
#
# Choices: accounting is off (no slurmdbd/MariaDB to run), so the Snakemake executor must poll
# with `squeue` (--slurm-status-command squeue); MinJobAge is raised so that finished jobs stay
# visible to squeue long enough. The config is written to the default /etc/slurm/slurm.conf
# because the executor strips SLURM_* variables (SLURM_CONF included) inside jobs. No cgroups:
# proctrack/linuxproc and task/none work without systemd.
set -euo pipefail

CONF=/etc/slurm/slurm.conf
BACKUP=/etc/slurm/slurm.conf.dse-repro-backup
STATE=/var/lib/dse-repro-slurm
LOG=/var/log/dse-repro-slurm

die() { echo "local_slurm: $*" >&2; exit 1; }

install() {
    local missing=()
    for b in slurmctld slurmd munged sbatch; do command -v "$b" >/dev/null || missing+=("$b"); done
    if ((${#missing[@]})); then
        echo "local_slurm: installing slurmctld slurmd munge slurm-client (missing: ${missing[*]})"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurmctld slurmd munge slurm-client \
            >/tmp/dse-repro-slurm-apt.log 2>&1 \
            || { tail -20 /tmp/dse-repro-slurm-apt.log >&2; die "apt-get install failed"; }
    fi
}

start_munge() {
    if runuser -u munge -- munge -n >/dev/null 2>&1 </dev/null; then return; fi
    [[ -s /etc/munge/munge.key ]] || { mungekey --create --keyfile=/etc/munge/munge.key 2>/dev/null \
        || dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none; }
    chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
    chmod 711 /etc/munge   # the directory holding the key
    mkdir -p /run/munge /var/log/munge /var/lib/munge
    chown munge:munge /run/munge /var/log/munge /var/lib/munge
    chmod 755 /run/munge
    runuser -u munge -- /usr/sbin/munged
    for _ in $(seq 50); do runuser -u munge -- munge -n >/dev/null 2>&1 </dev/null && return; sleep 0.2; done
    die "munged did not start (see /var/log/munge/munged.log)"
}

write_conf() {
    local host cpus mem
    host=$(hostname -s)
    cpus=$(nproc)
    mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
    mkdir -p /etc/slurm "$STATE/ctld" "$STATE/d" "$LOG"
    chown -R slurm:slurm "$STATE/ctld"
    if [[ -f $CONF && ! -f $BACKUP ]] && ! grep -q "dse-repro local test cluster" "$CONF"; then
        cp -p "$CONF" "$BACKUP"
    fi
    cat >"$CONF" <<CONF
# dse-repro local test cluster (scripts/local_slurm.sh); the original is restored by 'down'.
ClusterName=dselocal
SlurmctldHost=$host
SlurmUser=slurm
AuthType=auth/munge
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=/run/dse-repro-slurmctld.pid
SlurmdPidFile=/run/dse-repro-slurmd.pid
SlurmctldLogFile=$LOG/slurmctld.log
SlurmdLogFile=$LOG/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MinJobAge=600
ReturnToService=2
MpiDefault=none
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
}

up() {
    [[ $(id -u) == 0 ]] || die "run as root (slurmctld/slurmd need it)"
    install
    start_munge
    write_conf
    pgrep -x slurmctld >/dev/null || slurmctld
    pgrep -x slurmd >/dev/null || slurmd
    for _ in $(seq 60); do
        if sinfo -h -o %T 2>/dev/null | grep -qE "^(idle|mixed|allocated)"; then
            scontrol update nodename="$(hostname -s)" state=resume >/dev/null 2>&1 || true
            sinfo; return
        fi
        sinfo -h -o %T 2>/dev/null | grep -qE "down|drain" && \
            scontrol update nodename="$(hostname -s)" state=resume >/dev/null 2>&1 || true
        sleep 0.5
    done
    tail -5 "$LOG/slurmctld.log" "$LOG/slurmd.log" >&2 || true
    die "the node did not become idle within 30 s"
}

down() {
    scancel --user="$(id -un)" >/dev/null 2>&1 || true
    pkill -x slurmd || true
    pkill -x slurmctld || true
    if [[ -f $BACKUP ]]; then mv "$BACKUP" "$CONF"; elif grep -qs "dse-repro local test cluster" "$CONF"; then rm -f "$CONF"; fi
    pkill -x munged || true
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    status) sinfo ;;
    *) die "usage: $0 up|down|status" ;;
esac
