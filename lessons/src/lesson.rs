//! A lesson: `lesson.toml` (the world, the steps, their objectives and
//! solutions) plus one Markdown file per locale (the prose). Parsed from
//! strings, so it works in wasm32 too; reading files is in `fs`.
//!
//! Two layers: the file types (private, with source spans, exactly what
//! an instructor writes) and the checked [`Lesson`] (plain data, what the
//! bundle carries and the web app and grader use). A [`Lesson`] exists
//! only if every reference in it has been checked.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;

use sandbox_chain::world::islands::{
    IslandConfig, Islands, IslandsAction, IslandsConfig, RelayerConfig,
};
use sandbox_chain::world::{
    Action, ChainSpec, ConsortiumConfig, EngineConfig, NetworkConfig, NodeConfig, NodeId, World,
    WorldConfig,
};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::action::LessonAction;
use crate::markdown::{self, Section, is_id};
use crate::predicate::{Predicate, Scope};
use crate::view::View;
use crate::worlds::{Connected, LessonWorld};

/// The `lesson.toml` format this crate reads.
pub const LESSON_FORMAT_VERSION: u32 = 1;

/// The most difficulty a lesson's chain may have, in leading zero bits
/// (mining in a browser must take well under a second).
pub const MAX_DIFFICULTY_BITS: u32 = 20;

/// The most nodes a lesson's world may have.
pub const MAX_LESSON_NODES: usize = 64;

/// The largest lesson or locale file read, in bytes.
pub const MAX_FILE_BYTES: usize = 256 * 1024;

/// A problem in a course file, with where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The file, as given to the loader (e.g. `01-hashing/lesson.toml`).
    pub file: String,
    /// 1-based line; 0 when the problem is about the whole file.
    pub line: usize,
    /// 1-based column; 0 when unknown.
    pub column: usize,
    /// What is wrong, and what was expected.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (0, _) => write!(f, "{}: {}", self.file, self.message),
            (l, 0) => write!(f, "{}:{l}: {}", self.file, self.message),
            (l, c) => write!(f, "{}:{l}:{c}: {}", self.file, self.message),
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = source.get(..offset).unwrap_or(source);
    let line = before.matches('\n').count().saturating_add(1);
    let col_start = before.rfind('\n').map_or(0, |i| i.saturating_add(1));
    let column = before
        .get(col_start..)
        .map_or(0, |s| s.chars().count())
        .saturating_add(1);
    (line, column)
}

/// Builds diagnostics for one file.
#[derive(Debug)]
pub(crate) struct FileDiag<'a> {
    pub(crate) file: &'a str,
    pub(crate) source: &'a str,
}

impl FileDiag<'_> {
    pub(crate) fn at(&self, span: Option<Range<usize>>, message: impl Into<String>) -> Diagnostic {
        let (line, column) = span.map_or((0, 0), |s| line_col(self.source, s.start));
        Diagnostic {
            file: self.file.to_owned(),
            line,
            column,
            message: message.into(),
        }
    }

    pub(crate) fn toml_error(&self, e: &toml::de::Error) -> Diagnostic {
        self.at(e.span(), e.message().trim().replace('\n', " "))
    }
}

/// Parses TOML, turning its error into a diagnostic with line and column.
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(
    d: &FileDiag<'_>,
) -> Result<T, Diagnostic> {
    if d.source.len() > MAX_FILE_BYTES {
        return Err(d.at(
            None,
            format!(
                "the file has {} bytes; the limit is {MAX_FILE_BYTES}",
                d.source.len()
            ),
        ));
    }
    if let Some(offset) = too_deep(d.source, 32) {
        return Err(d.at(
            Some(offset..offset),
            "arrays and tables nest more than 32 deep here".to_owned(),
        ));
    }
    toml::from_str(d.source).map_err(|e| d.toml_error(&e))
}

/// The offset where brackets outside strings first nest deeper than `max`
/// (a guard before the recursive parser; a rough count is enough).
fn too_deep(s: &str, max: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' && q == '"' {
                escaped = true;
            } else if c == q || c == '\n' {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '[' | '{' => {
                depth = depth.saturating_add(1);
                if depth > max {
                    return Some(i);
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

// ---- the files, as written ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LessonFile {
    format_version: Spanned<u32>,
    id: Spanned<String>,
    version: u32,
    #[serde(default)]
    prerequisites: Vec<Spanned<String>>,
    minutes: u32,
    world: Spanned<WorldFile>,
    steps: Vec<Spanned<StepFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WorldFile {
    seed: u64,
    #[serde(default)]
    scenario: Option<Spanned<String>>,
    #[serde(default)]
    difficulty: Option<Spanned<u32>>,
    #[serde(default)]
    block_txs: Option<Spanned<u32>>,
    #[serde(default)]
    nodes: Vec<Spanned<NodeConfig>>,
    #[serde(default)]
    funds: BTreeMap<String, u64>,
    #[serde(default)]
    network: Option<NetworkConfig>,
    #[serde(default)]
    engine: Option<EngineConfig>,
    #[serde(default)]
    consortium: Option<ConsortiumConfig>,
    #[serde(default)]
    student: Option<Spanned<u32>>,
    #[serde(default)]
    accounts: Vec<String>,
    #[serde(default)]
    setup: Vec<Spanned<toml::Value>>,
    /// Connected chains, instead of `nodes`.
    #[serde(default)]
    chains: Vec<Spanned<ChainFile>>,
    #[serde(default)]
    relayers: Vec<Spanned<RelayerConfig>>,
    /// A connected-chains scenario, instead of `chains`.
    #[serde(default)]
    islands: Option<Spanned<String>>,
    /// The student's chain, with connected chains.
    #[serde(default)]
    chain: Option<Spanned<usize>>,
}

/// One of connected chains, as written: `[[world.chains]]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChainFile {
    name: Spanned<String>,
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default)]
    difficulty: Option<Spanned<u32>>,
    #[serde(default)]
    block_txs: Option<Spanned<u32>>,
    #[serde(default)]
    nodes: Vec<Spanned<NodeConfig>>,
    #[serde(default)]
    funds: BTreeMap<String, u64>,
    #[serde(default)]
    network: Option<NetworkConfig>,
    #[serde(default)]
    engine: Option<EngineConfig>,
    #[serde(default)]
    consortium: Option<ConsortiumConfig>,
}

/// The fields one chain's configuration is made of, in `[world]` or in
/// `[[world.chains]]`.
struct ChainParts<'a> {
    difficulty: &'a Option<Spanned<u32>>,
    block_txs: &'a Option<Spanned<u32>>,
    nodes: &'a [Spanned<NodeConfig>],
    funds: &'a BTreeMap<String, u64>,
    network: &'a Option<NetworkConfig>,
    engine: &'a Option<EngineConfig>,
    consortium: &'a Option<ConsortiumConfig>,
}

impl WorldFile {
    fn parts(&self) -> ChainParts<'_> {
        ChainParts {
            difficulty: &self.difficulty,
            block_txs: &self.block_txs,
            nodes: &self.nodes,
            funds: &self.funds,
            network: &self.network,
            engine: &self.engine,
            consortium: &self.consortium,
        }
    }

    /// Whether any field of a single chain's configuration is given.
    fn has_single_chain_fields(&self) -> bool {
        !self.nodes.is_empty()
            || self.difficulty.is_some()
            || self.block_txs.is_some()
            || !self.funds.is_empty()
            || self.network.is_some()
            || self.engine.is_some()
            || self.consortium.is_some()
    }
}

impl ChainFile {
    fn parts(&self) -> ChainParts<'_> {
        ChainParts {
            difficulty: &self.difficulty,
            block_txs: &self.block_txs,
            nodes: &self.nodes,
            funds: &self.funds,
            network: &self.network,
            engine: &self.engine,
            consortium: &self.consortium,
        }
    }
}

/// One chain's configuration from its fields; problems go to `err`.
/// `chain_id`: the id a chain with its own parameters (`block_txs`) gets,
/// so connected chains keep distinct ids.
fn chain_config(
    c: &ChainParts<'_>,
    span: Range<usize>,
    chain_id: Option<u32>,
    err: &dyn Fn(Range<usize>, String),
) -> WorldConfig {
    let bits = c.difficulty.as_ref().map_or(8, |b| *b.get_ref());
    if let Some(b) = c.difficulty
        && bits > MAX_DIFFICULTY_BITS
    {
        err(
            b.span(),
            format!(
                "difficulty {bits} is too high for a lesson (at most {MAX_DIFFICULTY_BITS} leading zero bits)"
            ),
        );
    }
    if c.nodes.is_empty() {
        err(
            span.clone(),
            "the chain needs `nodes` (each with a `name`)".to_owned(),
        );
    }
    if c.nodes.len() > MAX_LESSON_NODES {
        err(
            span,
            format!("a lesson's world has at most {MAX_LESSON_NODES} nodes"),
        );
    }
    if let Some(b) = c.block_txs
        && *b.get_ref() < 2
    {
        err(
            b.span(),
            "`block_txs` counts the coinbase too: it must be at least 2, or no transfer fits in a block".to_owned(),
        );
    }
    let chain = match c.block_txs {
        None => ChainSpec::Lesson { bits },
        Some(b) => {
            let mut params = sandbox_chain::chain::ChainParams::lesson(bits, Vec::new());
            params.max_block_txs = *b.get_ref();
            if let Some(id) = chain_id {
                params.chain_id = id;
            }
            ChainSpec::Params(params)
        }
    };
    let mut names = BTreeSet::new();
    for n in c.nodes {
        if !names.insert(n.get_ref().name.clone()) {
            err(
                n.span(),
                format!("two nodes are named \"{}\"", n.get_ref().name),
            );
        }
    }
    WorldConfig {
        chain,
        funds: c
            .funds
            .iter()
            .map(|(name, amount)| sandbox_chain::world::Fund {
                name: name.clone(),
                amount: sandbox_chain::amount::Amount::new(*amount),
            })
            .collect(),
        nodes: c.nodes.iter().map(|n| n.get_ref().clone()).collect(),
        network: c.network.clone().unwrap_or_default(),
        engine: c.engine.clone().unwrap_or_default(),
        consortium: c.consortium.clone(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepFile {
    id: Spanned<String>,
    #[serde(default)]
    views: Vec<Spanned<View>>,
    #[serde(default)]
    hints: Vec<Spanned<String>>,
    /// Read as TOML first, then typed one by one, so each mistake is
    /// named at its own objective or action.
    objectives: Vec<Spanned<toml::Value>>,
    #[serde(default)]
    solution: Vec<Spanned<toml::Value>>,
}

/// A step's objectives and solution, typed.
type TypedStep = (Vec<Spanned<Objective>>, Vec<Spanned<LessonAction>>);

/// A value of the file, typed, each mistake named where it stands.
fn typed<T: serde::de::DeserializeOwned>(
    values: &[Spanned<toml::Value>],
    err: &dyn Fn(Range<usize>, String),
) -> Vec<Spanned<T>> {
    values
        .iter()
        .filter_map(|v| match v.get_ref().clone().try_into::<T>() {
            Ok(t) => Some(Spanned::new(v.span(), t)),
            Err(e) => {
                err(v.span(), e.message().trim().replace('\n', " "));
                None
            }
        })
        .collect()
}

// ---- the checked lesson ----

/// A lesson, checked: every id, node, account, view and action in it is
/// known to exist. The bundle carries these.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// Its id (its folder is `NN-<id>`).
    pub id: String,
    /// Bumped by the author whenever the world, objectives or solution
    /// change; a transcript names the version it was made on.
    pub version: u32,
    /// Lessons to take first, by id.
    pub prerequisites: Vec<String>,
    /// Estimated minutes.
    pub minutes: u32,
    /// The world it starts from.
    pub start: Start,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// The prose, by locale (`en`, `zh-CN`).
    pub text: BTreeMap<String, LessonText>,
}

/// The world a lesson starts from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Start {
    /// The seed of the world's random stream (with connected chains, the
    /// seed a transcript names; each chain has its own).
    pub seed: u64,
    /// Built from a configuration, or a named scenario's end state; one
    /// chain or connected chains.
    pub world: StartWorld,
    /// The node the student acts as (on the student's chain).
    pub student: NodeId,
    /// With connected chains: the student's chain (world actions act on
    /// it). 0 for a lesson with one chain.
    #[serde(default)]
    pub chain: usize,
    /// Actions applied before the student starts (their events do not
    /// count for objectives): world actions, and on connected chains `op`
    /// actions too; never tool actions.
    pub setup: Vec<LessonAction>,
}

/// Where a lesson's world comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum StartWorld {
    /// A fresh world from this configuration (boxed: it is large, and a
    /// lesson holds one).
    Config(Box<WorldConfig>),
    /// The world a named scenario ends in.
    Scenario(String),
    /// Fresh connected chains from this configuration.
    Islands(Box<IslandsConfig>),
    /// The connected chains a named connected-chains scenario ends in.
    IslandsScenario(String),
}

impl Start {
    /// The starting world (setup applied). Errors are in words.
    pub fn build(&self) -> Result<LessonWorld, String> {
        let connected = |islands: Islands| {
            let count = islands.chain_count();
            Connected::new(islands, self.chain)
                .map(LessonWorld::Connected)
                .ok_or_else(|| {
                    format!(
                        "the student's chain is {} but there are chains 0 to {}",
                        self.chain,
                        count.saturating_sub(1)
                    )
                })
        };
        let mut world = match &self.world {
            StartWorld::Config(c) => LessonWorld::One(Box::new(
                World::new((**c).clone(), self.seed).map_err(|e| e.to_string())?,
            )),
            StartWorld::Scenario(name) => {
                LessonWorld::One(Box::new(World::scenario(name).map_err(|e| e.to_string())?))
            }
            StartWorld::Islands(c) => {
                connected(Islands::new((**c).clone()).map_err(|e| e.to_string())?)?
            }
            StartWorld::IslandsScenario(name) => {
                let t = sandbox_chain::world::islands::scenario_transcript(name)
                    .ok_or_else(|| format!("there is no connected-chains scenario \"{name}\""))?
                    .map_err(|e| format!("connected-chains scenario \"{name}\": {e}"))?;
                connected(Islands::replay(&t).map_err(|e| e.to_string())?)?
            }
        };
        for (i, a) in self.setup.iter().enumerate() {
            let refused =
                |e: String| format!("setup action {} is refused: {e}", i.saturating_add(1));
            match a {
                LessonAction::World(a) => {
                    world.apply_world(a).map_err(|e| refused(e.to_string()))?
                }
                LessonAction::Islands(a) => {
                    world.apply_islands(a).map_err(|e| refused(e.to_string()))?
                }
                LessonAction::Tool(_) => {
                    return Err(refused(
                        "the setup changes the world: tool actions have no place in it".to_owned(),
                    ));
                }
            };
        }
        Ok(world)
    }
}

/// Adds the key names an action creates, signs with or pays to the names
/// objectives may mention.
fn note_action(a: &LessonAction, known: &mut BTreeSet<String>) {
    let action = match a {
        LessonAction::World(a) => a,
        LessonAction::Islands(IslandsAction::On { action, .. }) => action,
        _ => return,
    };
    match action {
        Action::CreateKey { name, .. } => {
            known.insert(name.clone());
        }
        Action::SendTransaction { from, to, .. } => {
            known.insert(from.clone());
            if !(to.len() == 40 && to.chars().all(|c| c.is_ascii_hexdigit())) {
                known.insert(to.clone());
            }
        }
        Action::DeployContract { from, .. } | Action::CallContract { from, .. } => {
            known.insert(from.clone());
        }
        _ => {}
    }
}

/// One step: text, views, objectives, hints, a solution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Its id (the Markdown heading `## … {#id}`).
    pub id: String,
    /// The views shown, in order.
    pub views: Vec<View>,
    /// Hint ids, in the order they are revealed.
    pub hints: Vec<String>,
    /// What the student must achieve.
    pub objectives: Vec<Objective>,
    /// Actions that complete the step (after the earlier steps' solutions).
    pub solution: Vec<LessonAction>,
}

/// One objective: an id (its label is in the Markdown) and a predicate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Objective {
    /// Its id.
    pub id: String,
    /// What must hold.
    pub check: Predicate,
}

/// In files an objective is its id and one predicate key beside it:
/// `{ id = "paid", balance = { account = "bob", at_least = 10 } }`. The
/// bundle writes `{ "id": "paid", "check": { ... } }`; both are read.
impl<'de> Deserialize<'de> for Objective {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = serde_json::Value::deserialize(d)?;
        let serde_json::Value::Object(mut map) = value else {
            return Err(D::Error::custom(
                "an objective is a table: `{ id = \"...\", <predicate> = { ... } }`",
            ));
        };
        let id = match map.remove("id") {
            Some(serde_json::Value::String(s)) => s,
            Some(_) => return Err(D::Error::custom("an objective's `id` is a string")),
            None => return Err(D::Error::custom("an objective needs an `id`")),
        };
        let check = match map.remove("check") {
            Some(c) if map.is_empty() => c,
            Some(_) => {
                return Err(D::Error::custom(format!(
                    "objective `{id}`: `check` and other keys together ({})",
                    map.keys().cloned().collect::<Vec<_>>().join(", ")
                )));
            }
            None => {
                if map.len() != 1 {
                    let found = map.keys().cloned().collect::<Vec<_>>().join(", ");
                    return Err(D::Error::custom(format!(
                        "objective `{id}`: expected exactly one predicate beside `id` (one of {}), found {}",
                        crate::predicate::PREDICATE_NAMES.join(", "),
                        if found.is_empty() {
                            "none".to_owned()
                        } else {
                            found
                        }
                    )));
                }
                serde_json::Value::Object(map)
            }
        };
        let check = Predicate::deserialize(check)
            .map_err(|e| D::Error::custom(format!("objective `{id}`: {e}")))?;
        Ok(Objective { id, check })
    }
}

/// A lesson's prose in one locale.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonText {
    /// The title.
    pub title: String,
    /// The introduction (Markdown).
    pub intro: String,
    /// Each step's prose, by step id.
    pub steps: BTreeMap<String, StepLocale>,
}

/// One step's prose in one locale.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepLocale {
    /// The step's heading.
    pub title: String,
    /// The step's text (Markdown).
    pub body: String,
    /// Each objective's label (heading) and explanation (body), by id.
    pub objectives: BTreeMap<String, Section>,
    /// Each hint's text (Markdown), by id.
    pub hints: BTreeMap<String, String>,
}

/// A lesson's files, as text.
#[derive(Clone, Debug)]
pub struct LessonSource<'a> {
    /// How to name `lesson.toml` in diagnostics.
    pub toml_name: String,
    /// Its text.
    pub toml: &'a str,
    /// Each locale: (locale, how to name the file, its text or `None` if
    /// the file is missing).
    pub locales: Vec<(String, String, Option<&'a str>)>,
}

impl Lesson {
    /// Parses and checks a lesson. Returns every problem found, each with
    /// its file, line and column.
    pub fn parse(src: &LessonSource<'_>) -> Result<Lesson, Vec<Diagnostic>> {
        let d = FileDiag {
            file: &src.toml_name,
            source: src.toml,
        };
        let file: LessonFile = parse_toml(&d).map_err(|e| vec![e])?;
        let errors = std::cell::RefCell::new(Vec::new());
        let err = |span: Range<usize>, m: String| errors.borrow_mut().push(d.at(Some(span), m));

        if *file.format_version.get_ref() != LESSON_FORMAT_VERSION {
            err(
                file.format_version.span(),
                format!(
                    "format_version {} is not supported (this checker reads version {LESSON_FORMAT_VERSION})",
                    file.format_version.get_ref()
                ),
            );
        }
        if !is_id(file.id.get_ref()) {
            err(
                file.id.span(),
                "`id` must be lower-case letters, digits and `-`".to_owned(),
            );
        }
        for p in &file.prerequisites {
            if !is_id(p.get_ref()) {
                err(p.span(), format!("`{}` is not a lesson id", p.get_ref()));
            }
        }

        // The world: one chain (`nodes` or a `scenario`), or connected
        // chains (`chains` or an `islands` scenario).
        let w = file.world.get_ref();
        let world_span = file.world.span();
        let setup: Vec<Spanned<LessonAction>> = typed(&w.setup, &err);
        let typed_steps: Vec<TypedStep> = file
            .steps
            .iter()
            .map(|s| {
                let sf = s.get_ref();
                (typed(&sf.objectives, &err), typed(&sf.solution, &err))
            })
            .collect();
        let single_fields_msg = "take their nodes, difficulty, block size, funds, network, engine and consortium from it: remove them";
        if !w.chains.is_empty() || w.islands.is_some() {
            if let Some(s) = &w.scenario {
                err(
                    s.span(),
                    "give either `scenario` (one chain) or connected chains (`chains` or `islands`), not both"
                        .to_owned(),
                );
            }
        } else {
            if let Some(r) = w.relayers.first() {
                err(
                    r.span(),
                    "`relayers` join connected chains: give `[[world.chains]]` too".to_owned(),
                );
            }
            if let Some(c) = &w.chain {
                err(
                    c.span(),
                    "`chain` picks the student's chain among connected chains: this lesson has one chain"
                        .to_owned(),
                );
            }
        }
        let start_world = if let Some(s) = &w.islands {
            if w.has_single_chain_fields() || !w.chains.is_empty() || !w.relayers.is_empty() {
                err(
                    s.span(),
                    format!(
                        "a lesson starting from a connected-chains scenario (`islands`) takes its chains and relayers from it; `nodes`, `chains`, `relayers` and the fields of one chain {}",
                        "are not given: remove them"
                    ),
                );
            }
            let known = sandbox_chain::world::islands::scenario_names();
            if !known.contains(&s.get_ref().as_str()) {
                err(
                    s.span(),
                    format!(
                        "unknown connected-chains scenario \"{}\" (known: {})",
                        s.get_ref(),
                        known.join(", ")
                    ),
                );
            }
            StartWorld::IslandsScenario(s.get_ref().clone())
        } else if !w.chains.is_empty() {
            if w.has_single_chain_fields() {
                err(
                    world_span.clone(),
                    "with connected chains each `[[world.chains]]` has its own nodes, difficulty, block size, funds, network, engine and consortium: move them there"
                        .to_owned(),
                );
            }
            let mut names = BTreeSet::new();
            let mut chains = Vec::new();
            for (i, c) in w.chains.iter().enumerate() {
                let cf = c.get_ref();
                if !names.insert(cf.name.get_ref().clone()) {
                    err(
                        cf.name.span(),
                        format!("two chains are named \"{}\"", cf.name.get_ref()),
                    );
                }
                let id = u32::try_from(i).unwrap_or(u32::MAX).saturating_add(1);
                let world = chain_config(&cf.parts(), c.span(), Some(id), &err);
                chains.push(IslandConfig {
                    name: cf.name.get_ref().clone(),
                    world,
                    seed: cf
                        .seed
                        .unwrap_or_else(|| w.seed.wrapping_add(u64::try_from(i).unwrap_or(0))),
                });
            }
            StartWorld::Islands(Box::new(IslandsConfig {
                chains,
                relayers: w.relayers.iter().map(|r| r.get_ref().clone()).collect(),
            }))
        } else {
            match (&w.scenario, w.nodes.is_empty()) {
                (Some(s), true) => {
                    if w.has_single_chain_fields() {
                        err(
                            s.span(),
                            format!("a lesson starting from a `scenario` {single_fields_msg}"),
                        );
                    }
                    let known = sandbox_chain::world::scenario::scenario_names();
                    if !known.contains(&s.get_ref().as_str()) {
                        err(
                            s.span(),
                            format!(
                                "unknown scenario \"{}\" (known: {})",
                                s.get_ref(),
                                if known.is_empty() {
                                    "none yet".to_owned()
                                } else {
                                    known.join(", ")
                                }
                            ),
                        );
                    }
                    StartWorld::Scenario(s.get_ref().clone())
                }
                (Some(s), false) => {
                    err(
                        s.span(),
                        "give either `scenario` or `nodes`, not both".to_owned(),
                    );
                    StartWorld::Scenario(s.get_ref().clone())
                }
                (None, true) => {
                    err(
                        world_span.clone(),
                        "the world needs `nodes` (`[[world.nodes]]` with a `name`), a `scenario`, or connected chains (`[[world.chains]]`)"
                            .to_owned(),
                    );
                    StartWorld::Scenario(String::new())
                }
                (None, false) => StartWorld::Config(Box::new(chain_config(
                    &w.parts(),
                    world_span.clone(),
                    None,
                    &err,
                ))),
            }
        };
        for a in &setup {
            if let LessonAction::Tool(_) = a.get_ref() {
                err(
                    a.span(),
                    "the setup changes the world: tool actions (hash, sign, ...) have no place in it"
                        .to_owned(),
                );
            }
        }
        let student = w.student.as_ref().map_or(0, |s| *s.get_ref());
        let student_span = w.student.as_ref().map_or(world_span.clone(), Spanned::span);
        let start = Start {
            seed: w.seed,
            world: start_world,
            student: NodeId(student),
            chain: w.chain.as_ref().map_or(0, |c| *c.get_ref()),
            setup: setup.iter().map(|a| a.get_ref().clone()).collect(),
        };

        // Build the starting world once: it proves the configuration and
        // the setup, and tells how many chains, nodes and relayers there
        // are.
        let (chain_nodes, relayer_count, node_count) = if errors.borrow().is_empty() {
            match start.build() {
                Ok(world) => {
                    let student_nodes = world.student_world().node_count();
                    match world.islands() {
                        None => (Vec::new(), 0, student_nodes),
                        Some(i) => (
                            world.worlds().iter().map(|w| w.node_count()).collect(),
                            i.config().relayers.len(),
                            student_nodes,
                        ),
                    }
                }
                Err(e) => {
                    let span = w.chain.as_ref().map_or(world_span.clone(), Spanned::span);
                    err(span, format!("the starting world cannot be built: {e}"));
                    (Vec::new(), 0, 0)
                }
            }
        } else {
            (Vec::new(), 0, 0)
        };
        if node_count > 0 && student >= node_count {
            err(
                student_span,
                format!(
                    "`student` is node {} but {} has nodes 0 to {}",
                    student,
                    if chain_nodes.is_empty() {
                        "the world".to_owned()
                    } else {
                        format!("the student's chain {}", start.chain)
                    },
                    node_count.saturating_sub(1)
                ),
            );
        }

        // Names objectives and views may mention.
        let mut known: BTreeSet<String> = w.accounts.iter().cloned().collect();
        let note_chain = |p: &ChainParts<'_>, known: &mut BTreeSet<String>| {
            known.extend(p.funds.keys().cloned());
            for n in p.nodes {
                known.insert(n.get_ref().name.clone());
                known.extend(n.get_ref().keys.iter().cloned());
            }
        };
        note_chain(&w.parts(), &mut known);
        for c in &w.chains {
            note_chain(&c.get_ref().parts(), &mut known);
        }
        if let StartWorld::IslandsScenario(_) = &start.world
            && let Ok(world) = start.build()
            && let Some(i) = world.islands()
        {
            for c in &i.config().chains {
                known.extend(c.world.funds.iter().map(|f| f.name.clone()));
                for n in &c.world.nodes {
                    known.insert(n.name.clone());
                    known.extend(n.keys.iter().cloned());
                }
            }
        }
        for a in start.setup.iter().chain(
            typed_steps
                .iter()
                .flat_map(|(_, solution)| solution.iter().map(Spanned::get_ref)),
        ) {
            note_action(a, &mut known);
        }

        // Actions that address connected chains name ones that exist.
        let check_op = |a: &Spanned<LessonAction>| {
            let LessonAction::Islands(op) = a.get_ref() else {
                return;
            };
            if chain_nodes.is_empty() {
                if node_count > 0 {
                    err(
                        a.span(),
                        "`op` actions address connected chains, but this lesson has one chain: write the world action itself (`{ action = ... }`)"
                            .to_owned(),
                    );
                }
                return;
            }
            match op {
                IslandsAction::On { chain, .. } if *chain >= chain_nodes.len() => err(
                    a.span(),
                    format!(
                        "there is no chain {chain}: this lesson has chains 0 to {}",
                        chain_nodes.len().saturating_sub(1)
                    ),
                ),
                IslandsAction::StartRelayer { relayer }
                | IslandsAction::StopRelayer { relayer }
                    if *relayer >= relayer_count =>
                {
                    err(
                        a.span(),
                        format!("there is no relayer {relayer}: this lesson has {relayer_count}"),
                    );
                }
                _ => {}
            }
        };
        for a in &setup {
            check_op(a);
        }
        for (_, solution) in &typed_steps {
            for a in solution {
                check_op(a);
            }
        }
        let scope = Scope {
            nodes: node_count,
            chain: None,
            known: &known,
            chains: &chain_nodes,
            relayers: relayer_count,
        };

        // The steps.
        let mut steps = Vec::new();
        let mut step_ids = BTreeSet::new();
        if file.steps.is_empty() {
            err(0..0, "a lesson needs at least one `[[steps]]`".to_owned());
        }
        for (s, (objectives, solution)) in file.steps.iter().zip(&typed_steps) {
            let sf = s.get_ref();
            let id = sf.id.get_ref();
            if !is_id(id) {
                err(
                    sf.id.span(),
                    format!("step id `{id}` must be lower-case letters, digits and `-`"),
                );
            }
            if !step_ids.insert(id.clone()) {
                err(sf.id.span(), format!("two steps have the id `{id}`"));
            }
            let mut item_ids = BTreeSet::new();
            for o in objectives {
                let oid = &o.get_ref().id;
                if !is_id(oid) {
                    err(
                        o.span(),
                        format!("objective id `{oid}` must be lower-case letters, digits and `-`"),
                    );
                }
                if !item_ids.insert(oid.clone()) {
                    err(
                        o.span(),
                        format!("step `{id}`: the id `{oid}` is used twice"),
                    );
                }
                if node_count > 0 {
                    for problem in o.get_ref().check.validate(&scope) {
                        err(o.span(), format!("objective `{oid}`: {problem}"));
                    }
                }
            }
            if sf.objectives.is_empty() {
                err(s.span(), format!("step `{id}` has no objectives"));
            }
            for h in &sf.hints {
                if !is_id(h.get_ref()) {
                    err(
                        h.span(),
                        format!(
                            "hint id `{}` must be lower-case letters, digits and `-`",
                            h.get_ref()
                        ),
                    );
                }
                if !item_ids.insert(h.get_ref().clone()) {
                    err(
                        h.span(),
                        format!("step `{id}`: the id `{}` is used twice", h.get_ref()),
                    );
                }
            }
            for v in &sf.views {
                if node_count > 0 {
                    for problem in v.get_ref().validate(node_count, &chain_nodes) {
                        err(v.span(), problem);
                    }
                }
                for a in v.get_ref().accounts() {
                    if !known.contains(a) {
                        err(
                            v.span(),
                            format!("view `{}`: unknown account \"{a}\"", v.get_ref().name()),
                        );
                    }
                }
            }
            if sf.solution.is_empty() {
                err(
                    s.span(),
                    format!("step `{id}` has no `solution`: every step must be shown completable"),
                );
            }
            steps.push(Step {
                id: id.clone(),
                views: sf.views.iter().map(|v| v.get_ref().clone()).collect(),
                hints: sf.hints.iter().map(|h| h.get_ref().clone()).collect(),
                objectives: objectives.iter().map(|o| o.get_ref().clone()).collect(),
                solution: solution.iter().map(|a| a.get_ref().clone()).collect(),
            });
        }

        // The prose.
        let mut text = BTreeMap::new();
        for (locale, name, source) in &src.locales {
            let Some(source) = source else {
                errors.borrow_mut().push(Diagnostic {
                    file: name.clone(),
                    line: 0,
                    column: 0,
                    message: format!("missing: the lesson has no {locale} text"),
                });
                continue;
            };
            match locale_text(name, source, &steps) {
                Ok(t) => {
                    text.insert(locale.clone(), t);
                }
                Err(es) => errors.borrow_mut().extend(es),
            }
        }

        let errors = errors.into_inner();
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Lesson {
            id: file.id.get_ref().clone(),
            version: file.version,
            prerequisites: file
                .prerequisites
                .iter()
                .map(|p| p.get_ref().clone())
                .collect(),
            minutes: file.minutes,
            start,
            steps,
            text,
        })
    }

    /// The prose in `locale`, or in the first locale there is.
    pub fn text(&self, locale: &str) -> Option<&LessonText> {
        self.text
            .get(locale)
            .or_else(|| self.text.get("en"))
            .or_else(|| self.text.values().next())
    }
}

fn locale_text(name: &str, source: &str, steps: &[Step]) -> Result<LessonText, Vec<Diagnostic>> {
    let diag = |line: usize, column: usize, message: String| Diagnostic {
        file: name.to_owned(),
        line,
        column,
        message,
    };
    if source.len() > MAX_FILE_BYTES {
        return Err(vec![diag(
            0,
            0,
            format!(
                "the file has {} bytes; the limit is {MAX_FILE_BYTES}",
                source.len()
            ),
        )]);
    }
    let md = markdown::parse(source).map_err(|es| {
        es.into_iter()
            .map(|e| diag(e.line, e.column, e.message))
            .collect::<Vec<_>>()
    })?;
    let mut errors = Vec::new();
    let end = source.lines().count().max(1);
    let mut out = LessonText {
        title: md.title.clone(),
        intro: md.intro.clone(),
        steps: BTreeMap::new(),
    };
    if md.intro.is_empty() {
        errors.push(diag(
            1,
            1,
            "expected an introduction between the `#` title and the first `##` step".into(),
        ));
    }
    for (id, st) in &md.steps {
        if !steps.iter().any(|s| &s.id == id) {
            errors.push(diag(
                st.section.line,
                1,
                format!(
                    "`{{#{id}}}` is not a step of lesson.toml (steps: {})",
                    steps
                        .iter()
                        .map(|s| s.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    for step in steps {
        let Some(st) = md.steps.get(&step.id) else {
            errors.push(diag(
                end,
                0,
                format!(
                    "missing translation: step `{}` has no text (add `## <title> {{#{}}}`)",
                    step.id, step.id
                ),
            ));
            continue;
        };
        if st.section.body.is_empty() {
            errors.push(diag(
                st.section.line,
                1,
                format!("step `{}` has a heading but no text", step.id),
            ));
        }
        let mut sl = StepLocale {
            title: st.section.title.clone(),
            body: st.section.body.clone(),
            objectives: BTreeMap::new(),
            hints: BTreeMap::new(),
        };
        for (iid, sec) in &st.items {
            let is_obj = step.objectives.iter().any(|o| &o.id == iid);
            let is_hint = step.hints.iter().any(|h| h == iid);
            if !is_obj && !is_hint {
                errors.push(diag(
                    sec.line,
                    1,
                    format!(
                        "`{{#{iid}}}` is neither an objective nor a hint of step `{}` in lesson.toml",
                        step.id
                    ),
                ));
            }
        }
        for o in &step.objectives {
            match st.items.get(&o.id) {
                Some(sec) if !sec.title.is_empty() => {
                    sl.objectives.insert(o.id.clone(), sec.clone());
                }
                Some(sec) => errors.push(diag(sec.line, 1, format!("objective `{}` needs a label in its heading", o.id))),
                None => errors.push(diag(
                    st.section.line,
                    1,
                    format!(
                        "missing translation: objective `{}` of step `{}` has no label (add `### <label> {{#{}}}`)",
                        o.id, step.id, o.id
                    ),
                )),
            }
        }
        for h in &step.hints {
            match st.items.get(h) {
                Some(sec) if !sec.body.is_empty() => {
                    sl.hints.insert(h.clone(), sec.body.clone());
                }
                Some(sec) => errors.push(diag(sec.line, 1, format!("hint `{h}` has no text"))),
                None => errors.push(diag(
                    st.section.line,
                    1,
                    format!(
                        "missing translation: hint `{h}` of step `{}` has no text (add `### <title> {{#{h}}}`)",
                        step.id
                    ),
                )),
            }
        }
        out.steps.insert(step.id.clone(), sl);
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}
