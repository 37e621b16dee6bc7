//! `lessons`: check the course, build its bundle, grade a transcript.
//!
//! ```text
//! cargo run -p lessons -- check [PATH]
//! cargo run -p lessons -- bundle --out DIR [PATH]
//! cargo run -p lessons -- grade LESSON_DIR TRANSCRIPT.json [--locale L] [--json]
//! ```

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;

    use anyhow::{Context, Result, bail};
    use lessons::fs::{check_course, check_path, load_lesson};

    const USAGE: &str = "\
usage:
  lessons check [PATH]                 check the course (default: the course
                                       beside this crate), a lesson folder or
                                       one lesson file
  lessons bundle --out DIR [PATH]      check the course and write DIR/course.json
  lessons grade LESSON_DIR TRANSCRIPT  grade a student's exported transcript
        [--locale L] [--json]          (exit 0 when graded, whatever the score)
  lessons hash TEXT                    what the hash view shows (for authors)
  lessons sign KEY MESSAGE             what the keys view signs (for authors)";

    fn default_course() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("course")
    }

    pub(crate) fn main() -> ExitCode {
        match run(std::env::args().skip(1).collect()) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("lessons: error: {e:#}");
                ExitCode::from(2)
            }
        }
    }

    fn run(args: Vec<String>) -> Result<ExitCode> {
        let Some((cmd, rest)) = args.split_first() else {
            println!("{USAGE}");
            bail!("no command given");
        };
        match cmd.as_str() {
            "check" => {
                let path = match rest {
                    [] => default_course(),
                    [p] => PathBuf::from(p),
                    _ => bail!("check takes at most one PATH\n{USAGE}"),
                };
                let out = check_path(&path);
                for d in &out.diagnostics {
                    eprintln!("{d}");
                }
                println!(
                    "{} of {} lesson(s) OK, {} problem(s)",
                    out.lessons_ok,
                    out.lessons_seen,
                    out.diagnostics.len()
                );
                Ok(if out.diagnostics.is_empty() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                })
            }
            "bundle" => {
                let mut out_dir = None;
                let mut path = None;
                let mut it = rest.iter();
                while let Some(a) = it.next() {
                    match a.as_str() {
                        "--out" => out_dir = it.next().map(PathBuf::from),
                        p if path.is_none() => path = Some(PathBuf::from(p)),
                        other => bail!("unexpected argument `{other}`\n{USAGE}"),
                    }
                }
                let out_dir = out_dir.context("bundle needs --out DIR")?;
                let out = check_course(&path.unwrap_or_else(default_course));
                for d in &out.diagnostics {
                    eprintln!("{d}");
                }
                let Some(bundle) = out.bundle else {
                    eprintln!("no bundle written: fix the problems above");
                    return Ok(ExitCode::FAILURE);
                };
                std::fs::create_dir_all(&out_dir)
                    .with_context(|| format!("creating {}", out_dir.display()))?;
                let file = out_dir.join("course.json");
                std::fs::write(&file, bundle.to_json())
                    .with_context(|| format!("writing {}", file.display()))?;
                println!(
                    "wrote {} ({} lessons)",
                    file.display(),
                    bundle.lessons.len()
                );
                Ok(ExitCode::SUCCESS)
            }
            "grade" => {
                let mut locale = "en".to_owned();
                let mut json = false;
                let mut pos = Vec::new();
                let mut it = rest.iter();
                while let Some(a) = it.next() {
                    match a.as_str() {
                        "--locale" => locale = it.next().context("--locale needs a value")?.clone(),
                        "--json" => json = true,
                        p => pos.push(PathBuf::from(p)),
                    }
                }
                let [dir, transcript] = pos.as_slice() else {
                    bail!("grade takes LESSON_DIR and TRANSCRIPT\n{USAGE}");
                };
                let locales = vec![locale.clone()];
                let (lesson, diags) = load_lesson(dir, &locales);
                let Some(lesson) = lesson else {
                    for d in &diags {
                        eprintln!("{d}");
                    }
                    bail!("the lesson in {} does not check", dir.display());
                };
                let text = std::fs::read_to_string(transcript)
                    .with_context(|| format!("reading {}", transcript.display()))?;
                match lessons::grade(&lesson, &text, &locale) {
                    Ok(r) if json => {
                        println!("{}", serde_json::to_string_pretty(&r)?);
                    }
                    Ok(r) => {
                        println!("{}: {}/{} objectives", r.title, r.passed, r.total);
                        for s in &r.steps {
                            for o in &s.objectives {
                                let mark = if o.passed { "✓" } else { "✗" };
                                println!("  {mark} {} — {}", s.title, o.label);
                            }
                        }
                    }
                    Err(e) => {
                        println!("not graded: {e}");
                    }
                }
                Ok(ExitCode::SUCCESS)
            }
            "hash" => {
                let [text] = rest else {
                    bail!("hash takes one TEXT\n{USAGE}");
                };
                let h = lessons::action::hash_text(text);
                println!(
                    "{} ({} leading zero bits)",
                    h.to_hex(),
                    h.leading_zero_bits()
                );
                Ok(ExitCode::SUCCESS)
            }
            "sign" => {
                let [key, message] = rest else {
                    bail!("sign takes KEY and MESSAGE\n{USAGE}");
                };
                println!("{}", lessons::action::sign_message(key, message));
                Ok(ExitCode::SUCCESS)
            }
            "help" | "--help" | "-h" => {
                println!("{USAGE}");
                Ok(ExitCode::SUCCESS)
            }
            other => bail!("unknown command `{other}`\n{USAGE}"),
        }
    }
}
