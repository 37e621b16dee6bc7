//! The jail: the first program inside the sandbox (`grader __jail ...`).
//!
//! It restricts itself and then `exec`s the real program, which inherits
//! every restriction: rlimits, a Landlock domain (filesystem access only
//! beneath the listed paths, no TCP, no signals or abstract sockets beyond
//! the sandbox), and a seccomp filter refusing namespace, tracing, kernel
//! keyring, BPF, io_uring and non-Unix socket system calls. All through safe
//! APIs (nix, landlock, seccompiler): no `unsafe`, no `pre_exec`.

use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;

/// What the jail was told to enforce.
#[derive(Debug, Clone, clap::Args)]
pub struct JailArgs {
    /// `RLIMIT_CPU` in seconds.
    #[arg(long)]
    pub cpu_secs: u64,
    /// `RLIMIT_AS` in bytes.
    #[arg(long)]
    pub memory_bytes: u64,
    /// `RLIMIT_FSIZE` in bytes.
    #[arg(long)]
    pub file_bytes: u64,
    /// `RLIMIT_NPROC`.
    #[arg(long)]
    pub processes: u64,
    /// `RLIMIT_NOFILE`.
    #[arg(long)]
    pub open_files: u64,
    /// Readable (and executable) paths.
    #[arg(long = "read")]
    pub read: Vec<PathBuf>,
    /// Readable and writable paths.
    #[arg(long = "write")]
    pub write: Vec<PathBuf>,
    /// Print what could be enforced and exit instead of running a program.
    #[arg(long)]
    pub report: bool,
    /// The program and its arguments.
    #[arg(last = true)]
    pub command: Vec<String>,
}

/// What the kernel let the jail enforce.
#[derive(Debug, Clone, Default)]
pub struct Enforced {
    /// Landlock status (fully, partially or not enforced, with the ABI).
    pub landlock: String,
    /// Whether the seccomp filters are installed.
    pub seccomp: bool,
}

/// Restricts this process and execs `args.command`. Returns only on failure.
pub fn run(args: &JailArgs) -> Result<()> {
    let enforced = restrict(args)?;
    if args.report {
        println!(
            "landlock: {}; seccomp: {}",
            enforced.landlock,
            if enforced.seccomp { "on" } else { "off" }
        );
        return Ok(());
    }
    let Some((program, rest)) = args.command.split_first() else {
        bail!("jail: no program given");
    };
    let err = std::process::Command::new(program).args(rest).exec();
    Err(err).with_context(|| format!("jail: executing {program}"))
}

fn restrict(args: &JailArgs) -> Result<Enforced> {
    set_rlimits(args)?;
    let landlock = apply_landlock(args).context("jail: Landlock")?;
    apply_seccomp().context("jail: seccomp")?;
    Ok(Enforced {
        landlock,
        seccomp: true,
    })
}

fn set_rlimits(args: &JailArgs) -> Result<()> {
    use nix::sys::resource::{Resource, setrlimit};
    let limits = [
        (Resource::RLIMIT_CPU, args.cpu_secs),
        (Resource::RLIMIT_AS, args.memory_bytes),
        (Resource::RLIMIT_FSIZE, args.file_bytes),
        (Resource::RLIMIT_NPROC, args.processes),
        (Resource::RLIMIT_NOFILE, args.open_files),
        (Resource::RLIMIT_CORE, 0),
    ];
    for (res, value) in limits {
        setrlimit(res, value, value).with_context(|| format!("jail: setrlimit {res:?}"))?;
    }
    Ok(())
}

fn apply_landlock(args: &JailArgs) -> Result<String> {
    use landlock::{
        ABI, Access, AccessFs, AccessNet, Ruleset, RulesetAttr, RulesetCreatedAttr, RulesetStatus,
        Scope, path_beneath_rules,
    };
    let abi = ABI::V6;
    let existing =
        |v: &[PathBuf]| -> Vec<PathBuf> { v.iter().filter(|p| p.exists()).cloned().collect() };
    let status = Ruleset::default()
        .handle_access(AccessFs::from_all(abi))?
        .handle_access(AccessNet::from_all(abi))?
        .scope(Scope::from_all(abi))?
        .create()?
        .add_rules(path_beneath_rules(
            existing(&args.read),
            AccessFs::from_read(abi),
        ))?
        .add_rules(path_beneath_rules(
            existing(&args.write),
            AccessFs::from_all(abi),
        ))?
        .restrict_self()?;
    Ok(match status.ruleset {
        RulesetStatus::FullyEnforced => "fully enforced".into(),
        RulesetStatus::PartiallyEnforced => "partially enforced (older kernel ABI)".into(),
        RulesetStatus::NotEnforced => "not available in this kernel".into(),
    })
}

fn apply_seccomp() -> Result<()> {
    use seccompiler::{
        BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
        SeccompRule,
    };
    let arch: seccompiler::TargetArch = std::env::consts::ARCH
        .try_into()
        .map_err(|e| anyhow::anyhow!("unsupported architecture for seccomp: {e:?}"))?;
    let mut denied: BTreeMap<i64, Vec<SeccompRule>> = BTreeMap::new();
    for nr in [
        libc::SYS_ptrace,
        libc::SYS_process_vm_readv,
        libc::SYS_process_vm_writev,
        libc::SYS_mount,
        libc::SYS_umount2,
        libc::SYS_pivot_root,
        libc::SYS_unshare,
        libc::SYS_setns,
        libc::SYS_bpf,
        libc::SYS_perf_event_open,
        libc::SYS_keyctl,
        libc::SYS_add_key,
        libc::SYS_request_key,
        libc::SYS_userfaultfd,
        libc::SYS_kexec_load,
        libc::SYS_init_module,
        libc::SYS_finit_module,
        libc::SYS_delete_module,
        libc::SYS_io_uring_setup,
        libc::SYS_io_uring_enter,
        libc::SYS_io_uring_register,
    ] {
        denied.insert(nr, Vec::new());
    }
    // Sockets: only Unix-domain ones (the C library uses them for name lookup).
    denied.insert(
        libc::SYS_socket,
        vec![SeccompRule::new(vec![SeccompCondition::new(
            0,
            SeccompCmpArgLen::Dword,
            SeccompCmpOp::Ne,
            libc::AF_UNIX as u64,
        )?])?],
    );
    // clone with any namespace flag.
    let ns_flags = [
        libc::CLONE_NEWUSER,
        libc::CLONE_NEWNS,
        libc::CLONE_NEWPID,
        libc::CLONE_NEWNET,
        libc::CLONE_NEWIPC,
        libc::CLONE_NEWUTS,
        libc::CLONE_NEWCGROUP,
    ];
    let mut clone_rules = Vec::new();
    for flag in ns_flags {
        clone_rules.push(SeccompRule::new(vec![SeccompCondition::new(
            0,
            SeccompCmpArgLen::Qword,
            SeccompCmpOp::MaskedEq(flag as u64),
            flag as u64,
        )?])?);
    }
    denied.insert(libc::SYS_clone, clone_rules);
    let eperm: BpfProgram = SeccompFilter::new(
        denied,
        SeccompAction::Allow,
        SeccompAction::Errno(libc::EPERM as u32),
        arch,
    )?
    .try_into()?;
    // clone3 passes its flags in memory, out of a filter's reach: answer
    // "not implemented" so the C library falls back to clone, checked above.
    let mut c3 = BTreeMap::new();
    c3.insert(libc::SYS_clone3, Vec::new());
    let enosys: BpfProgram = SeccompFilter::new(
        c3,
        SeccompAction::Allow,
        SeccompAction::Errno(libc::ENOSYS as u32),
        arch,
    )?
    .try_into()?;
    seccompiler::apply_filter(&eperm)?;
    seccompiler::apply_filter(&enosys)?;
    Ok(())
}
