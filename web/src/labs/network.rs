//! The network view's logic: where nodes and links are drawn, the state of
//! each link, where a message in flight is at a given moment, and the play
//! clock that turns wall time into a few coarse world actions.

use std::collections::BTreeSet;

use sandbox_chain::world::{Behaviour, MessageView, NodeId, World, WorldEvent};

/// The drawing's width and height (SVG user units; the SVG scales).
pub const SIZE: f64 = 520.0;
/// A node's circle radius.
pub const NODE_R: f64 = 30.0;

/// One node as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeDot {
    /// The node.
    pub id: NodeId,
    /// Its name.
    pub name: String,
    /// Centre.
    pub x: f64,
    /// Centre.
    pub y: f64,
    /// Its tip's height.
    pub height: u64,
    /// Its tip, shortened.
    pub tip: String,
    /// How it behaves.
    pub behaviour: Behaviour,
    /// Whether it is the student's node.
    pub student: bool,
    /// Its tip differs from the tip most nodes have.
    pub minority_tip: bool,
}

/// Whether a link carries messages now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkState {
    /// Messages pass.
    Up,
    /// Cut by a `cut_link` action (click to restore).
    Cut,
    /// Its ends are in different groups of a partition.
    Partitioned,
}

/// One link as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkLine {
    /// One end (the smaller id).
    pub a: NodeId,
    /// The other end.
    pub b: NodeId,
    /// From.
    pub from: (f64, f64),
    /// To.
    pub to: (f64, f64),
    /// Its state.
    pub state: LinkState,
}

/// A message drawn on its link at some moment.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageDot {
    /// Its number.
    pub id: u64,
    /// Kind ("inv", "block", "tx", "prevote", ...).
    pub kind: &'static str,
    /// One line about it.
    pub summary: String,
    /// Sender and receiver.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// Where it is.
    pub x: f64,
    /// Where it is.
    pub y: f64,
    /// How far along, 0 to 1.
    pub progress: f64,
    /// Whether the network will lose it.
    pub lost: bool,
}

/// The whole drawing.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkLayout {
    /// Nodes, by id.
    pub nodes: Vec<NodeDot>,
    /// Links, each once.
    pub links: Vec<LinkLine>,
}

/// Where node `i` of `n` sits: on a circle, the first at the top,
/// clockwise.
pub fn node_position(i: usize, n: usize) -> (f64, f64) {
    let centre = SIZE / 2.0;
    if n <= 1 {
        return (centre, centre);
    }
    let radius = centre - NODE_R - 18.0;
    let angle = std::f64::consts::TAU * (i as f64) / (n as f64) - std::f64::consts::FRAC_PI_2;
    (centre + radius * angle.cos(), centre + radius * angle.sin())
}

/// The links cut by actions, from the event log (cuts and restores in
/// order), each as (smaller id, larger id).
pub fn cut_links(world: &World) -> BTreeSet<(NodeId, NodeId)> {
    let mut cut = BTreeSet::new();
    for e in world.events() {
        match &e.event {
            WorldEvent::LinkCut { a, b } => {
                cut.insert(ordered(*a, *b));
            }
            WorldEvent::LinkRestored { a, b } => {
                cut.remove(&ordered(*a, *b));
            }
            _ => {}
        }
    }
    cut
}

fn ordered(a: NodeId, b: NodeId) -> (NodeId, NodeId) {
    if a <= b { (a, b) } else { (b, a) }
}

/// Whether the network is split into groups now (a partition not yet
/// healed).
pub fn partitioned(world: &World) -> bool {
    world
        .events()
        .iter()
        .rev()
        .find_map(|e| match e.event {
            WorldEvent::Partitioned { .. } => Some(true),
            WorldEvent::Healed => Some(false),
            _ => None,
        })
        .unwrap_or(false)
}

impl NetworkLayout {
    /// The drawing of `world`, the student's node marked.
    pub fn of(world: &World, student: NodeId) -> Self {
        let n = world.node_count() as usize;
        let views: Vec<_> = world
            .node_ids()
            .filter_map(|id| world.node_view(id))
            .collect();
        // The tip most nodes share (ties: the first seen).
        let mut counts: Vec<(sandbox_chain::hash::BlockHash, usize)> = Vec::new();
        for v in &views {
            match counts.iter_mut().find(|(t, _)| *t == v.tip) {
                Some((_, c)) => *c += 1,
                None => counts.push((v.tip, 1)),
            }
        }
        let majority = counts.iter().max_by_key(|(_, c)| *c).map(|(t, _)| *t);
        let nodes = views
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let (x, y) = node_position(i, n);
                NodeDot {
                    id: v.id,
                    name: v.name.clone(),
                    x,
                    y,
                    height: v.height,
                    tip: v.tip.short(),
                    behaviour: v.behaviour,
                    student: v.id == student,
                    minority_tip: majority.is_some_and(|m| m != v.tip),
                }
            })
            .collect::<Vec<_>>();
        let cut = cut_links(world);
        let mut links = Vec::new();
        for a in world.node_ids() {
            for &b in world.peers(a) {
                if b <= a {
                    continue;
                }
                let state = if cut.contains(&(a, b)) {
                    LinkState::Cut
                } else if !world.reachable(a, b) {
                    LinkState::Partitioned
                } else {
                    LinkState::Up
                };
                links.push(LinkLine {
                    a,
                    b,
                    from: node_position(a.index(), n),
                    to: node_position(b.index(), n),
                    state,
                });
            }
        }
        NetworkLayout { nodes, links }
    }

    /// Where each message in flight is at `at_ms` (simulated time; before
    /// departure a message sits at its sender, after arrival at its
    /// receiver). Messages to or from unknown nodes are skipped.
    pub fn messages(&self, msgs: &[MessageView], at_ms: u64) -> Vec<MessageDot> {
        msgs.iter()
            .filter_map(|m| {
                let from = self.nodes.get(m.from.index())?;
                let to = self.nodes.get(m.to.index())?;
                let progress = progress(m.departs_ms, m.arrives_ms, at_ms);
                // A lost message fades out halfway.
                Some(MessageDot {
                    id: m.id,
                    kind: m.kind,
                    summary: m.summary.clone(),
                    from: m.from,
                    to: m.to,
                    x: from.x + (to.x - from.x) * progress,
                    y: from.y + (to.y - from.y) * progress,
                    progress,
                    lost: m.lost,
                })
            })
            .collect()
    }
}

/// How far a message sent at `departs` arriving at `arrives` has come at
/// `at`, from 0 to 1.
pub fn progress(departs: u64, arrives: u64, at: u64) -> f64 {
    if arrives <= departs {
        return if at >= arrives { 1.0 } else { 0.0 };
    }
    let done = at.saturating_sub(departs) as f64;
    let total = (arrives - departs) as f64;
    (done / total).clamp(0.0, 1.0)
}

/// A colour per message kind (blocks, announcements, transactions, votes).
pub fn kind_colour(kind: &str) -> &'static str {
    match kind {
        "block" | "decided" => "#4338ca",
        "inv" | "getblock" => "#0e7490",
        "tx" => "#b45309",
        "proposal" => "#7c3aed",
        "prevote" => "#15803d",
        "precommit" => "#be123c",
        _ => "#475569",
    }
}

/// Simulated milliseconds per wall second, per speed setting.
pub const SPEEDS: [u64; 4] = [250, 1_000, 4_000, 16_000];

/// The play clock: the moment drawn (`view_ms`) runs ahead of the world's
/// clock at the chosen speed. Nothing in the world happens between its
/// clock and its next scheduled event, so until `view_ms` reaches that
/// event the drawing is exact without changing the world; once it does,
/// one `advance_time` up to `view_ms` processes everything due. So "play"
/// records one action per frame in which something happens, never one per
/// frame, and a quiet network records nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlayClock {
    /// The simulated moment drawn.
    pub view_ms: u64,
    /// Simulated ms per wall second.
    pub speed: u64,
}

impl PlayClock {
    /// A clock at the world's time.
    pub fn new(world_ms: u64, speed: u64) -> Self {
        PlayClock {
            view_ms: world_ms,
            speed,
        }
    }

    /// Moves the drawn moment on by `wall_ms` of wall time. Returns the
    /// milliseconds to advance the world by, if an event fell due
    /// (`next_event_ms`); `None` if the world need not change. Never goes
    /// behind the world's clock.
    pub fn tick(&mut self, wall_ms: u64, world_ms: u64, next_event_ms: Option<u64>) -> Option<u64> {
        let step = wall_ms.saturating_mul(self.speed) / 1_000;
        self.view_ms = self.view_ms.max(world_ms).saturating_add(step.max(1));
        match next_event_ms {
            Some(next) if next <= self.view_ms => Some(self.view_ms - world_ms),
            _ => None,
        }
    }

    /// Catches up with the world after another action moved its clock.
    pub fn sync(&mut self, world_ms: u64) {
        self.view_ms = self.view_ms.max(world_ms);
    }
}

/// Messages currently in flight to draw at `view_ms`: those whose trip
/// spans it (those already arrived are being processed by the next
/// `advance_time`).
pub fn visible(msgs: &[MessageView], view_ms: u64) -> Vec<MessageView> {
    msgs.iter()
        .filter(|m| m.departs_ms <= view_ms && view_ms <= m.arrives_ms)
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sandbox_chain::world::{Action, WorldConfig};

    fn world() -> World {
        World::new(WorldConfig::pow(4, 8, 0), 7).unwrap()
    }

    #[test]
    fn nodes_sit_on_a_circle_inside_the_drawing() {
        for n in [1usize, 2, 3, 7, 12] {
            for i in 0..n {
                let (x, y) = node_position(i, n);
                assert!((NODE_R..=SIZE - NODE_R).contains(&x), "{n}:{i} x={x}");
                assert!((NODE_R..=SIZE - NODE_R).contains(&y), "{n}:{i} y={y}");
            }
        }
        let (x, y) = node_position(0, 4);
        assert!(
            (x - SIZE / 2.0).abs() < 1e-9 && y < SIZE / 2.0,
            "first on top"
        );
    }

    #[test]
    fn a_full_mesh_draws_each_link_once_and_cuts_show() {
        let mut w = world();
        let layout = NetworkLayout::of(&w, NodeId(0));
        assert_eq!(layout.links.len(), 6);
        assert!(layout.links.iter().all(|l| l.state == LinkState::Up));
        w.apply(Action::CutLink {
            a: NodeId(2),
            b: NodeId(1),
        })
        .unwrap();
        w.apply(Action::Partition {
            groups: vec![vec![NodeId(0), NodeId(1), NodeId(2)]],
        })
        .unwrap();
        let layout = NetworkLayout::of(&w, NodeId(0));
        let state = |a, b| {
            layout
                .links
                .iter()
                .find(|l| l.a == NodeId(a) && l.b == NodeId(b))
                .unwrap()
                .state
        };
        assert_eq!(state(1, 2), LinkState::Cut);
        assert_eq!(state(0, 3), LinkState::Partitioned);
        assert_eq!(state(0, 1), LinkState::Up);
        assert!(partitioned(&w));
        w.apply(Action::Heal).unwrap();
        w.apply(Action::RestoreLink {
            a: NodeId(1),
            b: NodeId(2),
        })
        .unwrap();
        assert!(!partitioned(&w));
        let layout = NetworkLayout::of(&w, NodeId(0));
        assert!(layout.links.iter().all(|l| l.state == LinkState::Up));
    }

    #[test]
    fn a_message_moves_from_sender_to_receiver_by_time() {
        let mut w = world();
        w.apply(Action::Mine { node: NodeId(0) }).unwrap();
        let layout = NetworkLayout::of(&w, NodeId(0));
        let msgs = w.messages_in_flight();
        assert!(!msgs.is_empty(), "a mined block is announced");
        let m = &msgs[0];
        let at = |t| layout.messages(std::slice::from_ref(m), t)[0].clone();
        let start = at(m.departs_ms);
        let end = at(m.arrives_ms);
        let from = &layout.nodes[m.from.index()];
        let to = &layout.nodes[m.to.index()];
        assert_eq!((start.x, start.y), (from.x, from.y));
        assert!((end.x - to.x).abs() < 1e-9 && (end.y - to.y).abs() < 1e-9);
        let mid = at((m.departs_ms + m.arrives_ms) / 2);
        assert!(mid.progress > 0.3 && mid.progress < 0.7, "{}", mid.progress);
        assert_eq!(progress(10, 10, 9), 0.0);
        assert_eq!(progress(10, 10, 10), 1.0);
        assert_eq!(progress(10, 20, 100), 1.0);
    }

    #[test]
    fn the_minority_tip_is_marked() {
        let mut w = world();
        w.apply(Action::Partition {
            groups: vec![vec![NodeId(0)]],
        })
        .unwrap();
        w.apply(Action::Mine { node: NodeId(0) }).unwrap();
        w.apply(Action::AdvanceTime { ms: 2_000 }).unwrap();
        let layout = NetworkLayout::of(&w, NodeId(0));
        assert!(layout.nodes[0].minority_tip);
        assert!(layout.nodes[0].student);
        assert_eq!(layout.nodes[0].height, 1);
        assert!(!layout.nodes[1].minority_tip);
    }

    /// Guards the transcript: playing records an action only in frames
    /// where the world has something due, never more than one per frame.
    #[test]
    fn play_records_one_action_per_frame_with_an_event_and_none_otherwise() {
        let mut w = world();
        w.apply(Action::Mine { node: NodeId(0) }).unwrap();
        let before = w.history().len();
        let mut clock = PlayClock::new(w.now_ms(), 1_000);
        let mut frames_with_actions = 0;
        for _ in 0..100 {
            if let Some(ms) = clock.tick(50, w.now_ms(), w.next_event_ms()) {
                w.apply(Action::AdvanceTime { ms }).unwrap();
                frames_with_actions += 1;
            }
            assert!(clock.view_ms >= w.now_ms());
        }
        assert_eq!(w.history().len() - before, frames_with_actions);
        assert!(frames_with_actions > 0 && frames_with_actions < 100);
        assert!(w.is_idle(), "the block reached everyone");
        // A quiet world (no mining, nothing in flight) records nothing.
        let quiet_before = w.history().len();
        for _ in 0..50 {
            assert_eq!(clock.tick(50, w.now_ms(), w.next_event_ms()), None);
        }
        assert_eq!(w.history().len(), quiet_before);
    }

    #[test]
    fn only_messages_on_their_way_are_visible() {
        let mut w = world();
        w.apply(Action::Mine { node: NodeId(0) }).unwrap();
        let msgs = w.messages_in_flight();
        let last = msgs.iter().map(|m| m.arrives_ms).max().unwrap();
        assert_eq!(visible(&msgs, 0).len(), msgs.len());
        assert!(visible(&msgs, last + 1).is_empty());
    }
}
