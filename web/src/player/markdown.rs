//! A small, safe Markdown reader for lesson prose. It turns the text into a
//! tree of [`Block`]s and [`Inline`]s that the player draws as DOM nodes,
//! so nothing in a lesson is ever parsed by the browser as HTML: `<script>`
//! in a lesson is shown as the text `<script>`.
//!
//! It reads what lessons use (paragraphs, `**strong**`, `*emphasis*`,
//! `` `code` ``, links, lists, fenced code, block quotes, headings below
//! the step headings, rules) with CommonMark's main rules, simplified:
//! delimiters pair with the next matching one, and links whose address is
//! not `http(s):`, `mailto:`, a fragment or a relative path are shown as
//! plain text.

/// A block of a lesson's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// A paragraph.
    Paragraph(Vec<Inline>),
    /// A heading (`#` to `######`; the player draws them below its own).
    Heading {
        /// 1 to 6.
        level: u8,
        /// Its text.
        content: Vec<Inline>,
    },
    /// A list; each item is one paragraph of text.
    List {
        /// Numbered (`1.`) or bulleted (`-`).
        ordered: bool,
        /// The first number of a numbered list.
        start: u64,
        /// The items.
        items: Vec<Vec<Inline>>,
    },
    /// A fenced code block, as written.
    Code {
        /// The info string after the fence (`toml`, `rust`, ...).
        lang: String,
        /// The code.
        text: String,
    },
    /// A block quote (its text as one paragraph).
    Quote(Vec<Inline>),
    /// A horizontal rule (`---`).
    Rule,
}

/// Text inside a block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inline {
    /// Plain text (shown as text, never as markup).
    Text(String),
    /// `code`.
    Code(String),
    /// **Strong** text.
    Strong(Vec<Inline>),
    /// *Emphasised* text.
    Emph(Vec<Inline>),
    /// A link whose address passed [`safe_href`].
    Link {
        /// The address.
        href: String,
        /// The link's text.
        content: Vec<Inline>,
    },
    /// A hard line break (two spaces or `\` at the end of a line).
    Break,
}

/// How deep emphasis and links may nest; deeper markup is shown as text.
const MAX_DEPTH: usize = 8;

/// Reads Markdown into blocks. Never fails: anything it does not know is
/// text.
pub fn parse(markdown: &str) -> Vec<Block> {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut blocks = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut i = 0;
    let flush = |paragraph: &mut Vec<&str>, blocks: &mut Vec<Block>| {
        if !paragraph.is_empty() {
            blocks.push(Block::Paragraph(inlines(&paragraph.join("\n"))));
            paragraph.clear();
        }
    };
    while let Some(&line) = lines.get(i) {
        let trimmed = strip_indent(line);
        if trimmed.trim().is_empty() {
            flush(&mut paragraph, &mut blocks);
            i += 1;
            continue;
        }
        if let Some((fence, lang)) = fence_open(trimmed) {
            flush(&mut paragraph, &mut blocks);
            let mut text = Vec::new();
            i += 1;
            while let Some(&l) = lines.get(i) {
                i += 1;
                let t = strip_indent(l).trim_end();
                if t.starts_with(fence)
                    && t.chars().all(|c| c == fence.chars().next().unwrap_or('`'))
                {
                    break;
                }
                text.push(l);
            }
            blocks.push(Block::Code {
                lang: lang.to_owned(),
                text: text.join("\n"),
            });
            continue;
        }
        if let Some((level, text)) = heading(trimmed) {
            flush(&mut paragraph, &mut blocks);
            blocks.push(Block::Heading {
                level,
                content: inlines(text),
            });
            i += 1;
            continue;
        }
        if is_rule(trimmed) {
            flush(&mut paragraph, &mut blocks);
            blocks.push(Block::Rule);
            i += 1;
            continue;
        }
        if trimmed.starts_with('>') {
            flush(&mut paragraph, &mut blocks);
            let mut text = Vec::new();
            while let Some(&l) = lines.get(i) {
                let t = strip_indent(l);
                let Some(rest) = t.strip_prefix('>') else {
                    break;
                };
                text.push(rest.strip_prefix(' ').unwrap_or(rest));
                i += 1;
            }
            blocks.push(Block::Quote(inlines(&text.join("\n"))));
            continue;
        }
        if let Some(item) = list_item(trimmed) {
            flush(&mut paragraph, &mut blocks);
            let ordered = item.number.is_some();
            let start = item.number.unwrap_or(1);
            let mut items: Vec<Vec<&str>> = vec![vec![item.text]];
            i += 1;
            while let Some(&l) = lines.get(i) {
                let t = strip_indent(l);
                if t.trim().is_empty() {
                    // A blank line ends the list unless another item follows.
                    match lines.get(i + 1).map(|n| list_item(strip_indent(n))) {
                        Some(Some(next)) if next.number.is_some() == ordered => {
                            i += 1;
                            continue;
                        }
                        _ => break,
                    }
                }
                match list_item(t) {
                    Some(next) if next.number.is_some() == ordered => {
                        items.push(vec![next.text]);
                    }
                    Some(_) => break,
                    None if fence_open(t).is_some() || heading(t).is_some() || is_rule(t) => break,
                    None => {
                        // A continuation of the item (indented or lazy).
                        if let Some(last) = items.last_mut() {
                            last.push(l.trim());
                        }
                    }
                }
                i += 1;
            }
            blocks.push(Block::List {
                ordered,
                start,
                items: items
                    .iter()
                    .map(|lines| inlines(&lines.join("\n")))
                    .collect(),
            });
            continue;
        }
        paragraph.push(line);
        i += 1;
    }
    flush(&mut paragraph, &mut blocks);
    blocks
}

/// Up to three leading spaces do not change a line's meaning.
fn strip_indent(line: &str) -> &str {
    let spaces = line.len() - line.trim_start_matches(' ').len();
    if spaces <= 3 {
        line.trim_start_matches(' ')
    } else {
        line
    }
}

/// A code fence (three or more backticks or tildes) and its info string.
fn fence_open(line: &str) -> Option<(&'static str, &str)> {
    for fence in ["```", "~~~"] {
        if let Some(rest) = line.strip_prefix(fence) {
            let c = fence.chars().next().unwrap_or('`');
            let info = rest.trim_start_matches(c).trim();
            if fence == "```" && info.contains('`') {
                return None;
            }
            return Some((fence, info.split_whitespace().next().unwrap_or("")));
        }
    }
    None
}

/// An ATX heading: its level and text (closing `#`s and a `{#id}` dropped).
fn heading(line: &str) -> Option<(u8, &str)> {
    let hashes = line.len() - line.trim_start_matches('#').len();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let rest = line.get(hashes..)?;
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    let mut text = rest.trim();
    if let Some(open) = text.rfind("{#")
        && text.ends_with('}')
    {
        text = text.get(..open).unwrap_or(text).trim_end();
    }
    let text = text.trim_end_matches('#').trim_end();
    Some((u8::try_from(hashes).unwrap_or(6), text))
}

/// `---`, `***` or `___` (three or more, spaces allowed) alone on a line.
fn is_rule(line: &str) -> bool {
    let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    compact.len() >= 3
        && ['-', '*', '_']
            .iter()
            .any(|&m| compact.chars().all(|c| c == m))
}

struct ListItem<'a> {
    number: Option<u64>,
    text: &'a str,
}

/// `- item`, `* item`, `+ item`, `1. item` or `1) item`.
fn list_item(line: &str) -> Option<ListItem<'_>> {
    for bullet in ["- ", "* ", "+ "] {
        if let Some(text) = line.strip_prefix(bullet) {
            return Some(ListItem {
                number: None,
                text: text.trim(),
            });
        }
    }
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if (1..=9).contains(&digits) {
        let rest = line.get(digits..)?;
        if let Some(text) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return Some(ListItem {
                number: line.get(..digits)?.parse().ok(),
                text: text.trim(),
            });
        }
    }
    None
}

/// Reads the inline markup of one block's text.
pub fn inlines(text: &str) -> Vec<Inline> {
    let chars: Vec<char> = text.chars().collect();
    parse_inlines(&chars, 0)
}

fn push_text(out: &mut Vec<Inline>, s: &str) {
    if s.is_empty() {
        return;
    }
    if let Some(Inline::Text(t)) = out.last_mut() {
        t.push_str(s);
    } else {
        out.push(Inline::Text(s.to_owned()));
    }
}

fn parse_inlines(chars: &[char], depth: usize) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => match chars.get(i + 1) {
                Some(&'\n') => {
                    out.push(Inline::Break);
                    i += 2;
                }
                Some(&next) if next.is_ascii_punctuation() => {
                    push_text(&mut out, &next.to_string());
                    i += 2;
                }
                _ => {
                    push_text(&mut out, "\\");
                    i += 1;
                }
            },
            '\n' => {
                // Two spaces before a line end make a hard break.
                let hard = matches!(&out.last(), Some(Inline::Text(t)) if t.ends_with("  "));
                if hard {
                    if let Some(Inline::Text(t)) = out.last_mut() {
                        let kept = t.trim_end().len();
                        t.truncate(kept);
                    }
                    out.push(Inline::Break);
                } else if !joins_without_space(&out, chars.get(i + 1)) {
                    push_text(&mut out, " ");
                }
                i += 1;
            }
            '`' => {
                let run = count_run(chars, i, '`');
                match find_run(chars, i + run, '`', run) {
                    Some(close) => {
                        let code: String =
                            chars.get(i + run..close).unwrap_or(&[]).iter().collect();
                        let code = code.replace('\n', " ");
                        let code = if code.len() > 2 && code.starts_with(' ') && code.ends_with(' ')
                        {
                            code.get(1..code.len() - 1).unwrap_or(&code).to_owned()
                        } else {
                            code
                        };
                        out.push(Inline::Code(code));
                        i = close + run;
                    }
                    None => {
                        push_text(&mut out, &"`".repeat(run));
                        i += run;
                    }
                }
            }
            '*' | '_' if depth < MAX_DEPTH => {
                let run = count_run(chars, i, c).min(2);
                let opens = chars.get(i + run).is_some_and(|n| !n.is_whitespace())
                    && (c == '*'
                        || !i
                            .checked_sub(1)
                            .and_then(|p| chars.get(p))
                            .is_some_and(|p| p.is_alphanumeric()));
                let close = if opens {
                    find_closing(chars, i + run, c, run)
                } else {
                    None
                };
                match close {
                    Some(close) => {
                        let inner =
                            parse_inlines(chars.get(i + run..close).unwrap_or(&[]), depth + 1);
                        out.push(if run == 2 {
                            Inline::Strong(inner)
                        } else {
                            Inline::Emph(inner)
                        });
                        i = close + run;
                    }
                    None => {
                        push_text(&mut out, &c.to_string().repeat(run));
                        i += run;
                    }
                }
            }
            '[' if depth < MAX_DEPTH => match link_at(chars, i) {
                Some((text_end, href, end)) => {
                    let content =
                        parse_inlines(chars.get(i + 1..text_end).unwrap_or(&[]), depth + 1);
                    match safe_href(&href) {
                        Some(href) => out.push(Inline::Link { href, content }),
                        None => {
                            for item in content {
                                match item {
                                    Inline::Text(t) => push_text(&mut out, &t),
                                    other => out.push(other),
                                }
                            }
                        }
                    }
                    i = end;
                }
                None => {
                    push_text(&mut out, "[");
                    i += 1;
                }
            },
            _ => {
                // Plain text up to the next character that may start markup.
                let start = i;
                while chars
                    .get(i)
                    .is_some_and(|c| !matches!(c, '\\' | '\n' | '`' | '*' | '_' | '['))
                {
                    i += 1;
                }
                if i == start {
                    i += 1;
                }
                let s: String = chars.get(start..i).unwrap_or(&[]).iter().collect();
                push_text(&mut out, &s);
            }
        }
    }
    out
}

/// Whether a soft line break between the text so far and `next` joins
/// them without a space: Chinese (and other CJK) text has no spaces
/// between words, so a line broken inside a sentence must not gain one.
fn joins_without_space(out: &[Inline], next: Option<&char>) -> bool {
    let before = match out.last() {
        Some(Inline::Text(t)) => t.chars().last(),
        _ => None,
    };
    before.is_some_and(is_cjk) && next.is_some_and(|c| is_cjk(*c))
}

/// CJK ideographs, kana, hangul and full-width punctuation.
fn is_cjk(c: char) -> bool {
    matches!(u32::from(c), 0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x2FA1F)
}

fn count_run(chars: &[char], from: usize, c: char) -> usize {
    chars
        .get(from..)
        .map_or(0, |rest| rest.iter().take_while(|&&x| x == c).count())
}

/// The start of the next run of exactly `len` `c`s at or after `from`.
fn find_run(chars: &[char], from: usize, c: char, len: usize) -> Option<usize> {
    let mut i = from;
    while i < chars.len() {
        let run = count_run(chars, i, c);
        if run == len {
            return Some(i);
        }
        i += run.max(1);
    }
    None
}

/// The closing delimiter of a `c` run of `len` (1 or 2) opened before
/// `from`: a run of at least `len` not preceded by a space, skipping code
/// spans.
fn find_closing(chars: &[char], from: usize, c: char, len: usize) -> Option<usize> {
    let mut i = from;
    while let Some(&x) = chars.get(i) {
        if x == '`' {
            let run = count_run(chars, i, '`');
            i = find_run(chars, i + run, '`', run).map_or(i + run, |close| close + run);
            continue;
        }
        if x == '\\' {
            i += 2;
            continue;
        }
        if x == c {
            let run = count_run(chars, i, c);
            let after_text = i > from
                && i.checked_sub(1)
                    .and_then(|p| chars.get(p))
                    .is_some_and(|p| !p.is_whitespace());
            let word_after = c == '_' && chars.get(i + run).is_some_and(|n| n.is_alphanumeric());
            if run >= len && after_text && !word_after {
                // `***x***`-like runs close the innermost first.
                return Some(i + run - len);
            }
            i += run;
            continue;
        }
        i += 1;
    }
    None
}

/// `[text](href)` at `open`: the end of the text, the address, and the
/// position after the `)`.
fn link_at(chars: &[char], open: usize) -> Option<(usize, String, usize)> {
    let mut depth = 0usize;
    let mut i = open + 1;
    let text_end = loop {
        match chars.get(i)? {
            '\\' => i += 1,
            '[' => depth += 1,
            ']' if depth == 0 => break i,
            ']' => depth -= 1,
            _ => {}
        }
        i += 1;
    };
    if chars.get(text_end + 1) != Some(&'(') {
        return None;
    }
    let start = text_end + 2;
    // The destination may hold balanced parentheses: `(a(b)c)`.
    let mut depth = 0usize;
    let mut close = start;
    loop {
        match chars.get(close)? {
            '(' => depth += 1,
            ')' if depth == 0 => break,
            ')' => depth -= 1,
            '\n' => return None,
            _ => {}
        }
        close += 1;
    }
    let inside: String = chars.get(start..close)?.iter().collect();
    // `(href "title")`: the title is dropped.
    let href = inside.split_whitespace().next().unwrap_or("").to_owned();
    Some((text_end, href, close + 1))
}

/// The address if a lesson may link to it: `http(s):`, `mailto:`, a
/// `#fragment`, or a relative path. Anything else (`javascript:`,
/// `data:`, ...) is `None`, and the link is shown as its text.
pub fn safe_href(href: &str) -> Option<String> {
    let href = href.trim();
    if href.is_empty()
        || href
            .chars()
            .any(|c| c.is_control() || c == '"' || c == '<' || c == '>')
    {
        return None;
    }
    let lower = href.to_ascii_lowercase();
    let scheme_end = lower.find(':');
    let path_start = lower.find(['/', '?', '#']).unwrap_or(lower.len());
    match scheme_end {
        Some(colon) if colon < path_start => {
            let scheme = lower.get(..colon).unwrap_or("");
            ["http", "https", "mailto"]
                .contains(&scheme)
                .then(|| href.to_owned())
        }
        _ => (!href.starts_with("//")).then(|| href.to_owned()),
    }
}

/// The text of some inlines without markup (for labels and tests).
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for inline in inlines {
        match inline {
            Inline::Text(t) | Inline::Code(t) => out.push_str(t),
            Inline::Strong(c) | Inline::Emph(c) | Inline::Link { content: c, .. } => {
                out.push_str(&plain_text(c));
            }
            Inline::Break => out.push('\n'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Inline {
        Inline::Text(s.into())
    }

    #[test]
    fn paragraphs_strong_and_code() {
        let blocks = parse("A **block** holds `txs`.\nSecond line.\n\nNext paragraph.");
        assert_eq!(
            blocks,
            vec![
                Block::Paragraph(vec![
                    text("A "),
                    Inline::Strong(vec![text("block")]),
                    text(" holds "),
                    Inline::Code("txs".into()),
                    text(". Second line."),
                ]),
                Block::Paragraph(vec![text("Next paragraph.")]),
            ]
        );
    }

    /// Guards "no raw HTML injection": markup in a lesson is text.
    #[test]
    fn html_is_text() {
        let blocks = parse("<script>alert(1)</script> <b>x</b>");
        assert_eq!(
            blocks,
            vec![Block::Paragraph(vec![text(
                "<script>alert(1)</script> <b>x</b>"
            )])]
        );
    }

    #[test]
    fn only_safe_links_are_links() {
        let blocks =
            parse("[book](book/index.html) [bad](javascript:alert(1)) [web](https://x.org \"t\")");
        let Block::Paragraph(inlines) = &blocks[0] else {
            panic!("{blocks:?}")
        };
        assert_eq!(
            inlines[0],
            Inline::Link {
                href: "book/index.html".into(),
                content: vec![text("book")]
            }
        );
        assert!(
            matches!(&inlines[1], Inline::Text(t) if t == " bad "),
            "{inlines:?}"
        );
        assert!(
            inlines
                .iter()
                .any(|i| matches!(i, Inline::Link { href, .. } if href == "https://x.org"))
        );
        for bad in [
            "javascript:x",
            "JavaScript:x",
            "data:text/html,x",
            "vbscript:x",
            "//evil.org/x",
            " java\u{0}script:x",
        ] {
            assert_eq!(safe_href(bad), None, "{bad}");
        }
        for good in [
            "#top",
            "a/b.html",
            "https://a.b/c?d#e",
            "mailto:a@b.c",
            "x.html?a=b:c",
        ] {
            assert!(safe_href(good).is_some(), "{good}");
        }
    }

    #[test]
    fn lists_quotes_rules_and_headings() {
        let md = "#### Note {#n}\n\n- one\n- two\n  more\n\n3. three\n4. four\n\n> quoted\n> text\n\n---";
        assert_eq!(
            parse(md),
            vec![
                Block::Heading {
                    level: 4,
                    content: vec![text("Note")]
                },
                Block::List {
                    ordered: false,
                    start: 1,
                    items: vec![vec![text("one")], vec![text("two more")]]
                },
                Block::List {
                    ordered: true,
                    start: 3,
                    items: vec![vec![text("three")], vec![text("four")]]
                },
                Block::Quote(vec![text("quoted text")]),
                Block::Rule,
            ]
        );
    }

    #[test]
    fn fenced_code_keeps_its_text_and_headings_inside_it() {
        let md = "Before\n```toml\n# not a heading\nx = **1**\n```\nAfter";
        assert_eq!(
            parse(md),
            vec![
                Block::Paragraph(vec![text("Before")]),
                Block::Code {
                    lang: "toml".into(),
                    text: "# not a heading\nx = **1**".into()
                },
                Block::Paragraph(vec![text("After")]),
            ]
        );
    }

    #[test]
    fn emphasis_nests_and_unclosed_delimiters_are_text() {
        assert_eq!(
            inlines("**bold *and* more**"),
            vec![Inline::Strong(vec![
                text("bold "),
                Inline::Emph(vec![text("and")]),
                text(" more")
            ])]
        );
        assert_eq!(
            inlines("2 * 3 = 6, a ** b"),
            vec![text("2 * 3 = 6, a ** b")]
        );
        assert_eq!(inlines("snake_case_name"), vec![text("snake_case_name")]);
        assert_eq!(inlines("`unclosed"), vec![text("`unclosed")]);
        assert_eq!(inlines("\\*not em\\*"), vec![text("*not em*")]);
        assert_eq!(inlines("`a*b*c`"), vec![Inline::Code("a*b*c".into())]);
    }

    #[test]
    fn hard_breaks() {
        assert_eq!(
            inlines("one  \ntwo\\\nthree"),
            vec![
                text("one"),
                Inline::Break,
                text("two"),
                Inline::Break,
                text("three")
            ]
        );
    }

    /// A line break inside a Chinese sentence adds no space; one between
    /// English words does.
    #[test]
    fn soft_breaks_in_chinese_add_no_space() {
        assert_eq!(inlines("检查工\n作量证明"), vec![text("检查工作量证明")]);
        assert_eq!(inlines("two\nwords"), vec![text("two words")]);
        assert_eq!(inlines("中文\nEnglish"), vec![text("中文 English")]);
    }

    #[test]
    fn chinese_text_and_markup() {
        assert_eq!(
            inlines("**区块**包含`交易`"),
            vec![
                Inline::Strong(vec![text("区块")]),
                text("包含"),
                Inline::Code("交易".into())
            ]
        );
    }

    /// Guards against a stack overflow on hostile nesting.
    #[test]
    fn deep_nesting_is_bounded() {
        let deep = "[".repeat(5000) + &"*a* ".repeat(10) + &"](x)".repeat(5000);
        let blocks = parse(&deep);
        assert_eq!(blocks.len(), 1);
        let stars = "*".repeat(3000) + "x" + &"*".repeat(3000);
        assert_eq!(parse(&stars).len(), 1);
    }

    #[test]
    fn every_lesson_of_the_course_parses_into_text_that_keeps_its_words() {
        let course = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../lessons/course");
        let mut seen = 0;
        for entry in std::fs::read_dir(course).unwrap() {
            let dir = entry.unwrap().path();
            for locale in ["en.md", "zh-CN.md"] {
                let Ok(md) = std::fs::read_to_string(dir.join(locale)) else {
                    continue;
                };
                seen += 1;
                let blocks = parse(&md);
                assert!(!blocks.is_empty());
                // No `**` or backtick survives as text: every one paired.
                for b in &blocks {
                    if let Block::Paragraph(i) = b {
                        let t = plain_text(i);
                        assert!(!t.contains("**"), "{}: {t}", dir.display());
                    }
                }
            }
        }
        assert!(seen >= 2);
    }
}
