//! Running untrusted programs (the compiler on student code, and the student's
//! binary) under isolation and limits.
//!
//! Layers, outermost first:
//! 1. When the grader runs as root, the sandbox runs as an unprivileged user
//!    (`nobody`), so that `RLIMIT_NPROC` binds (the kernel exempts root).
//! 2. bubblewrap: new user, PID, network, IPC, UTS and mount namespaces; only
//!    `/usr`, a few `/etc` files and the explicit binds are visible; private
//!    `/tmp` of bounded size; `--die-with-parent`; `--new-session`.
//! 3. The jail (`grader __jail`, see [`crate::jail`]) inside the sandbox sets
//!    rlimits, Landlock and seccomp, then execs the program.
//! 4. A wall-clock deadline in the parent kills the whole process group of
//!    bubblewrap; the PID namespace takes every descendant down with it, even
//!    one that left its process group or session.
//!
//! Nothing here interprets what the program printed: callers get bytes.

use anyhow::{Context, Result, bail};
use std::ffi::OsString;
use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The unprivileged user the sandbox runs as when the grader is root.
pub const SANDBOX_UID: u32 = 65534;
/// Its group.
pub const SANDBOX_GID: u32 = 65534;

/// Resource limits for one sandboxed run.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Wall-clock time before the whole process tree is killed.
    pub wall: Duration,
    /// CPU seconds (`RLIMIT_CPU`).
    pub cpu_secs: u64,
    /// Address space in bytes (`RLIMIT_AS`), per process.
    pub memory_bytes: u64,
    /// Largest file a process may write (`RLIMIT_FSIZE`).
    pub file_bytes: u64,
    /// Processes/threads of the sandbox user (`RLIMIT_NPROC`).
    pub processes: u64,
    /// Open file descriptors (`RLIMIT_NOFILE`).
    pub open_files: u64,
    /// Bytes of stdout kept; the pipe is closed after that.
    pub stdout_bytes: usize,
    /// Bytes of stderr kept.
    pub stderr_bytes: usize,
    /// Size of the private `/tmp`.
    pub tmp_bytes: u64,
}

/// A host path made visible inside the sandbox.
#[derive(Debug, Clone)]
pub struct Bind {
    /// Path on the host.
    pub host: PathBuf,
    /// Where it appears inside the sandbox (absolute).
    pub inside: PathBuf,
    /// Whether the sandbox may write there.
    pub writable: bool,
}

/// One program to run in the sandbox.
#[derive(Debug, Clone)]
pub struct Job {
    /// Program path as seen inside the sandbox.
    pub program: PathBuf,
    /// Arguments; any argument starting with a bind's `inside` path is
    /// rewritten to the host path when there is no mount namespace.
    pub args: Vec<String>,
    /// Host paths to expose.
    pub binds: Vec<Bind>,
    /// The complete environment (everything else is cleared).
    pub env: Vec<(String, String)>,
    /// Working directory inside the sandbox.
    pub cwd: PathBuf,
    /// Limits.
    pub limits: Limits,
}

/// How the run ended, as observed by the parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// Exited by itself with this code (not trusted for anything).
    Exited(i32),
    /// Killed by a signal (e.g. `RLIMIT_CPU`, abort on out-of-memory).
    Signalled(i32),
    /// Killed by the grader at the wall-clock deadline.
    TimedOut,
}

/// What the parent collected from a run.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// How it ended.
    pub end: End,
    /// Up to `stdout_bytes` of stdout.
    pub stdout: Vec<u8>,
    /// Up to `stderr_bytes` of stderr.
    pub stderr: Vec<u8>,
    /// Whether either stream was cut.
    pub truncated: bool,
    /// Wall time.
    pub elapsed: Duration,
}

/// Which isolation is in force.
#[derive(Debug, Clone)]
pub enum Isolation {
    /// bubblewrap namespaces plus the jail.
    Bubblewrap {
        /// Path of the `bwrap` binary.
        bwrap: PathBuf,
    },
    /// Only the jail (rlimits, Landlock, seccomp) and a process-group kill:
    /// for a student's own machine, where they are grading their own code.
    OwnMachine,
}

/// A checked, ready-to-use sandbox.
#[derive(Debug, Clone)]
pub struct Sandbox {
    isolation: Isolation,
    /// The grader binary that acts as the jail, at a path the sandbox user can read.
    jail_exe: PathBuf,
    /// Switch to this uid/gid before starting bubblewrap (when root).
    run_as: Option<(u32, u32)>,
}

impl Sandbox {
    /// Finds bubblewrap and proves it works here with the exact flags used
    /// for grading. Without a working sandbox this fails with the reason,
    /// unless `own_machine` allows the weaker [`Isolation::OwnMachine`].
    pub fn detect(jail_exe: PathBuf, own_machine: bool) -> Result<Self> {
        let run_as = if nix::unistd::geteuid().is_root() {
            Some((SANDBOX_UID, SANDBOX_GID))
        } else {
            None
        };
        // CHAINLAB_BWRAP names the bubblewrap binary (tests point it nowhere).
        let bwrap = match std::env::var_os("CHAINLAB_BWRAP") {
            Some(p) => Some(PathBuf::from(p)).filter(|p| p.is_file()),
            None => find_in_path("bwrap"),
        };
        let probe = match &bwrap {
            None => Err(anyhow::anyhow!(
                "bubblewrap (`bwrap`) is not installed; on Debian/Ubuntu: apt-get install bubblewrap"
            )),
            Some(b) => {
                let sb = Sandbox {
                    isolation: Isolation::Bubblewrap { bwrap: b.clone() },
                    jail_exe: jail_exe.clone(),
                    run_as,
                };
                sb.probe().map(|()| sb)
            }
        };
        match probe {
            Ok(sb) => Ok(sb),
            Err(e) if own_machine => {
                eprintln!(
                    "warning: no usable sandbox ({e:#}); running without namespaces because --unsandboxed-own-machine was given"
                );
                Ok(Sandbox {
                    isolation: Isolation::OwnMachine,
                    jail_exe,
                    run_as,
                })
            }
            Err(e) => Err(e.context(
                "refusing to run untrusted code without a sandbox. If this is your own machine and the code is your own, pass --unsandboxed-own-machine",
            )),
        }
    }

    /// The isolation in force.
    pub fn isolation(&self) -> &Isolation {
        &self.isolation
    }

    /// Where a job finds the jail binary itself (for self-checks).
    pub fn jail_path_inside(&self) -> PathBuf {
        match self.isolation {
            Isolation::Bubblewrap { .. } => PathBuf::from("/run/grader-jail"),
            Isolation::OwnMachine => self.jail_exe.clone(),
        }
    }

    fn probe(&self) -> Result<()> {
        let tmp = std::env::temp_dir();
        let job = Job {
            program: PathBuf::from("/usr/bin/true"),
            args: Vec::new(),
            binds: Vec::new(),
            env: vec![("PATH".into(), "/usr/bin:/bin".into())],
            cwd: PathBuf::from("/tmp"),
            limits: Limits {
                wall: Duration::from_secs(20),
                cpu_secs: 5,
                memory_bytes: 1 << 30,
                file_bytes: 1 << 20,
                processes: 16,
                open_files: 64,
                stdout_bytes: 4096,
                stderr_bytes: 4096,
                tmp_bytes: 1 << 20,
            },
        };
        let _ = tmp;
        let out = self.run(&job).context("starting the sandbox probe")?;
        if out.end != End::Exited(0) {
            bail!(
                "bubblewrap does not work on this machine ({:?}): {}",
                out.end,
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(())
    }

    fn command(&self, job: &Job) -> Result<Command> {
        let limits = &job.limits;
        let mut jail_args: Vec<OsString> = vec![
            "__jail".into(),
            format!("--cpu-secs={}", limits.cpu_secs).into(),
            format!("--memory-bytes={}", limits.memory_bytes).into(),
            format!("--file-bytes={}", limits.file_bytes).into(),
            format!("--processes={}", limits.processes).into(),
            format!("--open-files={}", limits.open_files).into(),
        ];
        let mut cmd;
        match &self.isolation {
            Isolation::Bubblewrap { bwrap } => {
                cmd = Command::new(bwrap);
                cmd.args([
                    "--unshare-all",
                    "--unshare-user",
                    "--disable-userns",
                    "--die-with-parent",
                    "--new-session",
                    "--cap-drop",
                    "ALL",
                    "--clearenv",
                    "--ro-bind",
                    "/usr",
                    "/usr",
                ]);
                for top in ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"] {
                    let p = Path::new(top);
                    match std::fs::read_link(p) {
                        Ok(target) => {
                            cmd.arg("--symlink").arg(target).arg(p);
                        }
                        Err(_) if p.is_dir() => {
                            cmd.arg("--ro-bind").arg(p).arg(p);
                        }
                        Err(_) => {}
                    }
                }
                // What the C toolchain (the linker driver) needs from /etc.
                for etc in ["/etc/alternatives", "/etc/ld.so.cache", "/etc/ld.so.conf"] {
                    cmd.arg("--ro-bind-try").arg(etc).arg(etc);
                }
                cmd.args(["--proc", "/proc", "--dev", "/dev"]);
                cmd.arg("--size")
                    .arg(limits.tmp_bytes.to_string())
                    .args(["--tmpfs", "/tmp"]);
                cmd.arg("--ro-bind")
                    .arg(&self.jail_exe)
                    .arg("/run/grader-jail");
                for b in &job.binds {
                    cmd.arg(if b.writable { "--bind" } else { "--ro-bind" })
                        .arg(&b.host)
                        .arg(&b.inside);
                }
                for (k, v) in &job.env {
                    cmd.arg("--setenv").arg(k).arg(v);
                }
                cmd.arg("--chdir").arg(&job.cwd);
                cmd.arg("/run/grader-jail");
                for ro in ["/usr", "/etc", "/proc", "/dev"] {
                    jail_args.push(format!("--read={ro}").into());
                }
                for b in &job.binds {
                    let flag = if b.writable { "--write" } else { "--read" };
                    jail_args.push(format!("{flag}={}", b.inside.display()).into());
                }
                jail_args.push("--write=/tmp".into());
                jail_args.push("--".into());
                jail_args.push(job.program.clone().into());
                jail_args.extend(job.args.iter().map(OsString::from));
                cmd.args(jail_args);
                cmd.env_clear();
            }
            Isolation::OwnMachine => {
                let rewrite = |s: &str| -> String {
                    for b in &job.binds {
                        let inside = b.inside.to_string_lossy();
                        if let Some(rest) = s.strip_prefix(inside.as_ref()) {
                            return format!("{}{rest}", b.host.display());
                        }
                    }
                    s.to_string()
                };
                cmd = Command::new(&self.jail_exe);
                for ro in ["/usr", "/etc", "/proc", "/dev", "/bin", "/lib", "/lib64"] {
                    jail_args.push(format!("--read={ro}").into());
                }
                for b in &job.binds {
                    let flag = if b.writable { "--write" } else { "--read" };
                    jail_args.push(format!("{flag}={}", b.host.display()).into());
                }
                jail_args.push(format!("--write={}", std::env::temp_dir().display()).into());
                jail_args.push("--".into());
                jail_args.push(rewrite(&job.program.to_string_lossy()).into());
                jail_args.extend(job.args.iter().map(|a| OsString::from(rewrite(a))));
                cmd.args(jail_args);
                cmd.env_clear();
                for (k, v) in &job.env {
                    cmd.env(k, rewrite(v));
                }
                let cwd = rewrite(&job.cwd.to_string_lossy());
                cmd.current_dir(if Path::new(&cwd).is_dir() {
                    PathBuf::from(cwd)
                } else {
                    std::env::temp_dir()
                });
            }
        }
        if let Some((uid, gid)) = self.run_as {
            // std drops supplementary groups when switching away from root.
            cmd.uid(uid).gid(gid);
        }
        cmd.process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        Ok(cmd)
    }

    /// Runs `job` to completion or its deadline, whichever comes first, and
    /// makes sure nothing of it is left running.
    pub fn run(&self, job: &Job) -> Result<Outcome> {
        let mut cmd = self.command(job)?;
        let start = Instant::now();
        let mut child = cmd
            .spawn()
            .with_context(|| format!("starting {:?}", cmd.get_program()))?;
        let pgid = nix::unistd::Pid::from_raw(child.id() as i32);
        let (tx, rx) = mpsc::channel();
        let readers = [
            (
                0u8,
                child
                    .stdout
                    .take()
                    .map(|s| Box::new(s) as Box<dyn Read + Send>),
            ),
            (
                1u8,
                child
                    .stderr
                    .take()
                    .map(|s| Box::new(s) as Box<dyn Read + Send>),
            ),
        ];
        for (which, stream) in readers {
            let Some(stream) = stream else { continue };
            let cap = if which == 0 {
                job.limits.stdout_bytes
            } else {
                job.limits.stderr_bytes
            };
            let tx = tx.clone();
            std::thread::spawn(move || {
                let (buf, cut) = read_capped(stream, cap);
                let _ = tx.send((which, buf, cut));
            });
        }
        drop(tx);
        let deadline = start + job.limits.wall;
        let status = loop {
            if let Some(status) = child.try_wait().context("waiting for the sandbox")? {
                break Some(status);
            }
            if Instant::now() >= deadline {
                break None;
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        // Whatever happened, the whole group goes: with bubblewrap that is the
        // namespace's init, whose death kills every process in the PID namespace.
        let _ = nix::sys::signal::killpg(pgid, nix::sys::signal::Signal::SIGKILL);
        let end = match status {
            None => {
                let _ = child.kill();
                let _ = child.wait();
                End::TimedOut
            }
            Some(st) => match (st.code(), st.signal()) {
                (Some(c), _) => End::Exited(c),
                (None, Some(s)) => End::Signalled(s),
                (None, None) => End::Exited(-1),
            },
        };
        let elapsed = start.elapsed();
        let mut stdout = Vec::new();
        let mut stderr = Vec::new();
        let mut truncated = false;
        // The streams close when every holder is dead; bounded wait in case a
        // stray process (possible only without a PID namespace) keeps one open.
        let drain_until = Instant::now() + Duration::from_secs(2);
        for _ in 0..2 {
            let left = drain_until.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok((0, b, cut)) => {
                    stdout = b;
                    truncated |= cut;
                }
                Ok((_, b, cut)) => {
                    stderr = b;
                    truncated |= cut;
                }
                Err(_) => break,
            }
        }
        // Bubblewrap's exit code mirrors the program's; a signal death of the
        // program shows up as 128+N from bubblewrap.
        let end = match end {
            End::Exited(c) if c > 128 && c < 128 + 65 => End::Signalled(c - 128),
            other => other,
        };
        Ok(Outcome {
            end,
            stdout,
            stderr,
            truncated,
            elapsed,
        })
    }
}

fn read_capped(mut r: impl Read, cap: usize) -> (Vec<u8>, bool) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        match r.read(&mut chunk) {
            Ok(0) | Err(_) => return (buf, false),
            Ok(n) => {
                let room = cap.saturating_sub(buf.len());
                buf.extend_from_slice(&chunk[..n.min(room)]);
                if n > room {
                    // Closing our end makes further writes fail (EPIPE).
                    return (buf, true);
                }
            }
        }
    }
}

/// The first `name` on `PATH`, else in the usual system directories.
pub fn find_in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/bin", "/bin", "/usr/local/bin"].map(PathBuf::from))
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Whether every directory above `path` is searchable and `path` itself
/// readable by anyone (so the sandbox user can see it).
pub fn world_readable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let Ok(abs) = std::fs::canonicalize(path) else {
        return false;
    };
    let Ok(meta) = std::fs::metadata(&abs) else {
        return false;
    };
    if meta.permissions().mode() & 0o004 == 0 {
        return false;
    }
    abs.ancestors().skip(1).all(|dir| {
        std::fs::metadata(dir)
            .map(|m| m.permissions().mode() & 0o001 != 0)
            .unwrap_or(false)
    })
}

/// Creates `dir` (and parents) so that the sandbox user can read it.
pub fn make_shared_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("setting permissions of {}", dir.display()))
}

/// Creates an empty directory the sandbox user may write to, and nobody else.
pub fn make_sandbox_writable_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    if nix::unistd::geteuid().is_root() {
        std::os::unix::fs::chown(dir, Some(SANDBOX_UID), Some(SANDBOX_GID))
            .with_context(|| format!("handing {} to the sandbox user", dir.display()))?;
    }
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        .with_context(|| format!("setting permissions of {}", dir.display()))
}

/// Reads a regular file that sandboxed code may have tampered with: never
/// follows a symlink, never blocks on a FIFO, never reads more than `cap`.
pub fn read_untrusted_file(path: &Path, cap: u64) -> Result<Vec<u8>> {
    use std::os::unix::fs::OpenOptionsExt;
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .with_context(|| format!("opening {}", path.display()))?;
    let meta = f.metadata()?;
    if !meta.is_file() {
        bail!("{} is not a regular file", path.display());
    }
    if meta.len() > cap {
        bail!("{} is larger than {} KiB", path.display(), cap / 1024);
    }
    let mut buf = Vec::new();
    f.take(cap).read_to_end(&mut buf)?;
    Ok(buf)
}
