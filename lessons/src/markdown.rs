//! A lesson's prose in one locale: a Markdown file whose headings carry the
//! ids of `lesson.toml`, so translators edit prose only.
//!
//! ```markdown
//! # Hashing and the avalanche effect
//!
//! Intro: everything up to the first `##`.
//!
//! ## Your first hash {#first}
//!
//! The text of step `first`.
//!
//! ### Hash any text {#any-hash}
//!
//! (An objective of step `first`: the heading is its label; the body,
//! optional, explains it.)
//!
//! ### Hint {#where}
//!
//! (A hint of step `first`: the body is the hint.)
//! ```
//!
//! Headings inside fenced code blocks are text. Level 4 and deeper
//! headings are part of the body. Only the structure is read here; the web
//! app renders the bodies.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A heading or section of a locale file, with its text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// The heading text, without `#`s and `{#id}`.
    pub title: String,
    /// The Markdown under the heading, trimmed.
    pub body: String,
    /// 1-based line of the heading.
    #[serde(skip)]
    pub line: usize,
}

/// One step's prose.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepText {
    /// The step's heading and text.
    pub section: Section,
    /// Objectives and hints of the step, by id (which is which is known
    /// from `lesson.toml`).
    pub items: BTreeMap<String, Section>,
}

/// A lesson's prose in one locale.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LocaleText {
    /// The `#` heading.
    pub title: String,
    /// Everything before the first `##`.
    pub intro: String,
    /// Steps by id, each with its line.
    pub steps: BTreeMap<String, StepText>,
}

/// A structural problem in a locale file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MdError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong and what was expected.
    pub message: String,
}

/// The longest id allowed in `{#id}`.
const MAX_ID: usize = 64;

fn split_id(text: &str) -> (String, Option<String>) {
    let t = text.trim();
    if let Some(stripped) = t.strip_suffix('}')
        && let Some(open) = stripped.rfind("{#")
    {
        let id = stripped.get(open.saturating_add(2)..).unwrap_or("").trim();
        let title = stripped.get(..open).unwrap_or("").trim();
        return (title.to_owned(), Some(id.to_owned()));
    }
    (t.to_owned(), None)
}

/// Whether a string is a valid id: lower-case letters, digits and `-`.
pub fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Reads a locale file's structure. Returns every problem found.
pub fn parse(source: &str) -> Result<LocaleText, Vec<MdError>> {
    let mut errors = Vec::new();
    let mut out = LocaleText::default();
    let mut saw_title = false;
    let mut fence: Option<String> = None;
    // Where body lines go: 0 intro, 1 step, 2 item.
    let mut level = 0u8;
    let mut step: Option<String> = None;
    let mut item: Option<String> = None;
    let mut body = String::new();

    let flush = |out: &mut LocaleText,
                 level: u8,
                 step: &Option<String>,
                 item: &Option<String>,
                 body: &mut String| {
        let text = body.trim().to_owned();
        body.clear();
        match level {
            0 => out.intro = text,
            1 => {
                if let Some(s) = step.as_ref().and_then(|s| out.steps.get_mut(s)) {
                    s.section.body = text;
                }
            }
            _ => {
                if let (Some(s), Some(i)) = (step, item)
                    && let Some(sec) = out.steps.get_mut(s).and_then(|s| s.items.get_mut(i))
                {
                    sec.body = text;
                }
            }
        }
    };

    for (n, raw) in source.lines().enumerate() {
        let line = n.saturating_add(1);
        let trimmed = raw.trim_start();
        if let Some(f) = &fence {
            if trimmed.starts_with(f.as_str()) {
                fence = None;
            }
            body.push_str(raw);
            body.push('\n');
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(trimmed.chars().take(3).collect());
            body.push_str(raw);
            body.push('\n');
            continue;
        }
        let hashes = trimmed.chars().take_while(|c| *c == '#').count();
        let is_heading = (1..=3).contains(&hashes)
            && raw.len().saturating_sub(trimmed.len()) < 4
            && trimmed
                .get(hashes..)
                .is_some_and(|r| r.is_empty() || r.starts_with(' '));
        if !is_heading {
            body.push_str(raw);
            body.push('\n');
            continue;
        }
        let column = raw.len().saturating_sub(trimmed.len()).saturating_add(1);
        let (title, id) = split_id(trimmed.get(hashes..).unwrap_or(""));
        match hashes {
            1 => {
                if saw_title {
                    errors.push(MdError {
                        line,
                        column,
                        message: "a second `#` title: a lesson has one title; use `##` for steps"
                            .into(),
                    });
                } else if step.is_some() {
                    errors.push(MdError {
                        line,
                        column,
                        message: "the `#` title must come before the first `##` step".into(),
                    });
                }
                saw_title = true;
                out.title = title;
            }
            2 => {
                flush(&mut out, level, &step, &item, &mut body);
                level = 1;
                item = None;
                match id {
                    Some(id) if is_id(&id) => {
                        if out.steps.contains_key(&id) {
                            errors.push(MdError {
                                line,
                                column,
                                message: format!("step `{{#{id}}}` appears twice"),
                            });
                        }
                        out.steps.insert(
                            id.clone(),
                            StepText {
                                section: Section {
                                    title,
                                    body: String::new(),
                                    line,
                                },
                                items: BTreeMap::new(),
                            },
                        );
                        step = Some(id);
                    }
                    Some(id) => {
                        errors.push(MdError {
                            line,
                            column,
                            message: format!(
                                "`{{#{id}}}` is not a valid id: use lower-case letters, digits and `-`"
                            ),
                        });
                        step = None;
                    }
                    None => {
                        errors.push(MdError {
                            line,
                            column,
                            message: format!(
                                "expected a step id at the end of the heading, e.g. `## {title} {{#step-id}}` with an id from lesson.toml"
                            ),
                        });
                        step = None;
                    }
                }
            }
            _ => {
                flush(&mut out, level, &step, &item, &mut body);
                level = 2;
                let Some(s) = step.clone() else {
                    errors.push(MdError {
                        line,
                        column,
                        message: "a `###` objective or hint must be under a `##` step".into(),
                    });
                    item = None;
                    continue;
                };
                match id {
                    Some(id) if is_id(&id) => {
                        if let Some(st) = out.steps.get_mut(&s) {
                            if st.items.contains_key(&id) {
                                errors.push(MdError {
                                    line,
                                    column,
                                    message: format!("`{{#{id}}}` appears twice in step `{s}`"),
                                });
                            }
                            st.items.insert(
                                id.clone(),
                                Section {
                                    title,
                                    body: String::new(),
                                    line,
                                },
                            );
                        }
                        item = Some(id);
                    }
                    _ => {
                        errors.push(MdError {
                            line,
                            column,
                            message: format!(
                                "expected an objective or hint id at the end of the heading, e.g. `### {title} {{#id}}`"
                            ),
                        });
                        item = None;
                    }
                }
            }
        }
    }
    flush(&mut out, level, &step, &item, &mut body);
    if fence.is_some() {
        errors.push(MdError {
            line: source.lines().count().max(1),
            column: 1,
            message: "a fenced code block is not closed (expected a closing ```)".into(),
        });
    }
    if !saw_title || out.title.is_empty() {
        errors.push(MdError {
            line: 1,
            column: 1,
            message: "expected a `# Title` line: the lesson's title in this language".into(),
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_structure() {
        let md = "# T\n\nintro\n\n## Step one {#one}\n\nbody\n\n```\n## not a heading\n```\n\n### Do it {#do}\n\nmore\n### Hint {#h}\nhint text\n";
        let t = parse(md).unwrap();
        assert_eq!(t.title, "T");
        assert_eq!(t.intro, "intro");
        let s = &t.steps["one"];
        assert_eq!(s.section.title, "Step one");
        assert!(s.section.body.contains("## not a heading"));
        assert_eq!(s.items["do"].title, "Do it");
        assert_eq!(s.items["do"].line, 13);
        assert_eq!(s.items["h"].body, "hint text");
    }

    #[test]
    fn names_the_line_of_a_heading_without_id() {
        let e = parse("# T\n\n## Oops\n").unwrap_err();
        assert_eq!(e[0].line, 3);
        assert!(e[0].message.contains("{#step-id}"));
    }
}
