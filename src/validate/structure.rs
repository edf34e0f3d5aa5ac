//! The walk of one transaction set's segments through its structure: which place in the
//! spec each segment takes, and what is missing, repeated too often, out of order or
//! unknown. The standard's rule: a segment is looked for from the current place onwards in
//! the innermost loop, then in each enclosing loop (where the loop's own first segment starts
//! a new iteration); a segment found nowhere is an error and the walk stays where it was.

use crate::spec::{
    LoopSpec, Node, SegKey, SegmentUse, TransactionSetSpec, Usage, VersionSpec, show_max,
};

use super::{Finding, SegmentError, Severity};

/// Where the walk is in one loop.
struct Frame<'s> {
    spec: &'s LoopSpec,
    /// The child most recently matched; None before the first.
    current: Option<usize>,
    /// Start of this frame's per-child counters in `Walker::counts`.
    base: usize,
}

/// The state of one transaction set's walk. Reused across sets to keep its buffers.
pub(crate) struct Walker<'s> {
    set: &'s TransactionSetSpec,
    frames: Vec<Frame<'s>>,
    /// Uses of each segment child, iterations of each loop child, per open frame.
    counts: Vec<u32>,
    /// Every segment id that has a place somewhere in the set.
    known: Vec<SegKey>,
}

/// What the walk made of one segment.
pub(crate) enum Placed<'s> {
    /// The segment's place in the spec, and the innermost loop it is in.
    At(&'s SegmentUse, Option<&'s str>),
    /// No place: the finding has been reported.
    Nowhere,
}

impl<'s> Walker<'s> {
    pub fn new(set: &'s TransactionSetSpec) -> Self {
        let mut known = Vec::new();
        collect_keys(&set.body, &mut known);
        known.sort();
        known.dedup();
        let mut walker = Walker {
            set,
            frames: Vec::new(),
            counts: Vec::new(),
            known,
        };
        walker.push(&set.body);
        walker
    }

    pub fn spec(&self) -> &'s TransactionSetSpec {
        self.set
    }

    fn push(&mut self, spec: &'s LoopSpec) {
        let base = self.counts.len();
        self.counts.resize(base + spec.children.len(), 0);
        self.frames.push(Frame {
            spec,
            current: None,
            base,
        });
    }

    /// The innermost open loop's id (None at the set's top level).
    fn loop_id(&self) -> Option<&'s str> {
        self.frames
            .last()
            .filter(|_| self.frames.len() > 1)
            .map(|f| f.spec.id.as_str())
    }

    /// Places the segment `id` found at `position` (ST = 1) and `offset`.
    pub fn place(
        &mut self,
        version: &VersionSpec,
        id: &[u8],
        position: u32,
        offset: u64,
        out: &mut Vec<Finding>,
    ) -> Placed<'s> {
        let key = SegKey::of(id);
        let Some((depth, index)) = self.find(key) else {
            self.unplaced(version, key, id, position, offset, out);
            return Placed::Nowhere;
        };
        while self.frames.len() > depth + 1 {
            self.close_frame(position, offset, out);
        }
        let frame = &self.frames[depth];
        let from = frame.current.map_or(0, |c| c + 1);
        let (base, spec) = (frame.base, frame.spec);
        for skipped in from..index {
            if self.counts[base + skipped] == 0
                && spec.children[skipped].usage() == Usage::Mandatory
            {
                self.missing(&spec.children[skipped], position, offset, out);
            }
        }
        self.frames[depth].current = Some(index);
        self.counts[base + index] += 1;
        let count = self.counts[base + index];
        match &spec.children[index] {
            Node::Segment(s) => {
                if count > s.max {
                    out.push(self.segment_finding(
                        s.id.as_str(),
                        position,
                        offset,
                        SegmentError::ExceedsMaximumUse,
                        format!("{} may occur at most {} time(s) here (position {} of the {} table); this is occurrence {count}", s.id, show_max(s.max), s.position, s.table),
                    ));
                }
                Placed::At(s, self.loop_id())
            }
            Node::Loop(l) => {
                self.push(l);
                let base = self.counts.len() - l.children.len();
                if let Some(frame) = self.frames.last_mut() {
                    frame.current = Some(0);
                }
                self.counts[base] = 1;
                if count > l.repeat {
                    let trigger = l.children[0].trigger();
                    out.push(self.segment_finding(
                        trigger.id.as_str(),
                        position,
                        offset,
                        SegmentError::LoopOverMaximum,
                        format!(
                            "loop {} may occur at most {} time(s) here; this is iteration {count}",
                            l.id,
                            show_max(l.repeat)
                        ),
                    ));
                }
                Placed::At(l.children[0].trigger(), Some(l.id.as_str()))
            }
        }
    }

    /// The innermost frame and child where `key` may come next.
    fn find(&self, key: SegKey) -> Option<(usize, usize)> {
        for depth in (0..self.frames.len()).rev() {
            let frame = &self.frames[depth];
            // A loop's first segment starts a new iteration, which the enclosing frame
            // finds (its current child is this loop); here it is never a repeat.
            let from = frame.current.unwrap_or(0).max(usize::from(depth > 0));
            for (i, &trigger) in frame.spec.triggers.iter().enumerate().skip(from) {
                if trigger != key {
                    continue;
                }
                // The current child of an outer frame is the loop we are inside: finding
                // its trigger there starts a new iteration, which is right. A segment that
                // is the current child of the innermost frame repeats.
                return Some((depth, i));
            }
        }
        None
    }

    /// Closes the set: SE has been placed (or is missing); everything mandatory after the
    /// current places is missing.
    pub fn finish(&mut self, position: u32, offset: u64, out: &mut Vec<Finding>) {
        while !self.frames.is_empty() {
            self.close_frame(position, offset, out);
        }
        self.push(&self.set.body);
    }

    fn close_frame(&mut self, position: u32, offset: u64, out: &mut Vec<Finding>) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        let from = frame.current.map_or(0, |c| c + 1);
        let spec = frame.spec;
        for i in from..spec.children.len() {
            if self.counts[frame.base + i] == 0 && spec.children[i].usage() == Usage::Mandatory {
                // The loop this child belongs to is still the innermost one for messages.
                self.frames.push(Frame {
                    spec,
                    current: frame.current,
                    base: frame.base,
                });
                self.missing(&spec.children[i], position, offset, out);
                self.frames.pop();
            }
        }
        self.counts.truncate(frame.base);
    }

    fn missing(&self, node: &'s Node, position: u32, offset: u64, out: &mut Vec<Finding>) {
        if node.usage() != Usage::Mandatory {
            return;
        }
        let trigger = node.trigger();
        let mut finding_loop = self.loop_id();
        let what = match node {
            Node::Loop(l) => {
                // AK303 names the loop that is missing.
                finding_loop = Some(l.id.as_str());
                format!("loop {} (starting with {}) is required", l.id, trigger.id)
            }
            Node::Segment(s) => format!(
                "{} is required (position {} of the {} table)",
                s.id, s.position, s.table
            ),
        };
        let mut finding = self.segment_finding(
            trigger.id.as_str(),
            position,
            offset,
            SegmentError::MandatoryMissing,
            format!("{what} but missing before segment {position}"),
        );
        finding.loop_id = finding_loop.map(str::to_string);
        out.push(finding);
    }

    fn unplaced(
        &self,
        version: &VersionSpec,
        key: SegKey,
        id: &[u8],
        position: u32,
        offset: u64,
        out: &mut Vec<Finding>,
    ) {
        let shown = crate::x12::diagnostic::show(id);
        let set = &self.set.id;
        let (error, message) = if version.directory_name(key).is_none() {
            (
                SegmentError::Unrecognized,
                format!(
                    "{shown} is not a segment of X12 version {}",
                    version.version
                ),
            )
        } else if self.known.binary_search(&key).is_err() {
            (
                SegmentError::NotInTransactionSet,
                format!(
                    "{shown} ({}) is an X12 segment, but transaction set {set} has no place for it",
                    version.directory_name(key).unwrap_or("")
                ),
            )
        } else if self.passed(key) {
            (
                SegmentError::OutOfSequence,
                format!(
                    "{shown} comes too late: its place in the {set} is before the segments already read"
                ),
            )
        } else {
            (
                SegmentError::Unexpected,
                format!(
                    "{shown} is not expected here: in the {set} it belongs to a loop that has not started"
                ),
            )
        };
        out.push(self.segment_finding(&shown, position, offset, error, message));
    }

    /// Whether `key` has a place among the children already passed in the open loops.
    fn passed(&self, key: SegKey) -> bool {
        self.frames.iter().any(|f| {
            let upto = f.current.unwrap_or(0);
            f.spec.children[..upto].iter().any(|c| contains_key(c, key))
        })
    }

    fn segment_finding(
        &self,
        id: &str,
        position: u32,
        offset: u64,
        error: SegmentError,
        message: String,
    ) -> Finding {
        Finding {
            segment_id: id.to_string(),
            position,
            loop_id: self.loop_id().map(str::to_string),
            segment_error: Some(error),
            element: None,
            value: None,
            severity: Severity::Error,
            offset,
            message,
            extra_rule: None,
        }
    }
}

fn collect_keys(l: &LoopSpec, out: &mut Vec<SegKey>) {
    for c in &l.children {
        match c {
            Node::Segment(s) => out.push(s.key),
            Node::Loop(inner) => collect_keys(inner, out),
        }
    }
}

fn contains_key(node: &Node, key: SegKey) -> bool {
    match node {
        Node::Segment(s) => s.key == key,
        Node::Loop(l) => l.children.iter().any(|c| contains_key(c, key)),
    }
}
