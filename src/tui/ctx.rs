//! What a view's `update` may touch besides its own state: the jobs it asks the worker for (each
//! remembered by the view as a `Pending`) and the status line's message.

use super::period::Period;
use super::view::View;
use super::worker::{Job, Request};

/// What the status line says.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// Work under way ("loading rows…").
    Busy(String),
    Error(String),
    Info(String),
}

/// Numbers requests and collects them until `App::update` hands them out.
#[derive(Debug, Default)]
pub struct Jobs {
    next_seq: u64,
    outbox: Vec<Job>,
    /// The session's period, which every job carries.
    pub period: Period,
}

impl Jobs {
    /// Queues `asker`'s request and returns its sequence number.
    pub fn request(&mut self, asker: View, request: Request) -> u64 {
        self.next_seq += 1;
        self.outbox.push(Job {
            seq: self.next_seq,
            asker,
            request,
            period: self.period,
        });
        self.next_seq
    }

    /// The jobs queued since the last call.
    pub fn take(&mut self) -> Vec<Job> {
        std::mem::take(&mut self.outbox)
    }
}

/// What a view's `update` may touch besides its own state.
pub struct Ctx<'a> {
    pub jobs: &'a mut Jobs,
    /// The last error or notice for the status line.
    pub message: &'a mut Option<Status>,
    /// The view whose state is updated: the answers to its requests come back to it.
    pub asker: View,
}

impl<'a> Ctx<'a> {
    pub fn new(jobs: &'a mut Jobs, message: &'a mut Option<Status>, asker: View) -> Ctx<'a> {
        Ctx {
            jobs,
            message,
            asker,
        }
    }

    /// Says `text` on the status line as an error.
    pub fn error(&mut self, text: String) {
        *self.message = Some(Status::Error(text));
    }

    /// Says `text` on the status line.
    pub fn info(&mut self, text: String) {
        *self.message = Some(Status::Info(text));
    }
}

/// A view's request in flight: its number, to know its answer from a stale one, and what it is
/// for (`T`: a path, a cell, where the selection goes), which the view shows while it waits.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending<T>(Option<(u64, T)>);

impl<T> Default for Pending<T> {
    fn default() -> Self {
        Pending(None)
    }
}

impl<T> Pending<T> {
    /// Asks the worker for `request`; the answer to an earlier one will be dropped.
    pub fn ask(&mut self, ctx: &mut Ctx, request: Request, what: T) {
        self.0 = Some((ctx.jobs.request(ctx.asker, request), what));
    }

    /// What is being loaded, while it is.
    pub fn what(&self) -> Option<&T> {
        self.0.as_ref().map(|(_, what)| what)
    }

    pub fn is_loading(&self) -> bool {
        self.0.is_some()
    }

    /// Stops waiting when `seq` is the request waited for, and returns what it was for;
    /// `None` for the answer to a request asked again since.
    pub fn answered(&mut self, seq: u64) -> Option<T> {
        match &self.0 {
            Some((s, _)) if *s == seq => self.0.take().map(|(_, what)| what),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_answer_to_the_latest_request_is_taken() {
        let (mut jobs, mut message) = (Jobs::default(), None);
        let mut ctx = Ctx::new(&mut jobs, &mut message, View::Psm);
        let mut pending = Pending::default();
        pending.ask(&mut ctx, Request::Psm, "first");
        pending.ask(&mut ctx, Request::Psm, "second");
        assert_eq!(pending.what(), Some(&"second"));
        assert_eq!(pending.answered(1), None, "stale");
        assert_eq!(pending.answered(2), Some("second"));
        assert!(!pending.is_loading());
        let sent = jobs.take();
        assert_eq!(sent.len(), 2);
        assert!(sent.iter().all(|j| j.asker == View::Psm));
    }
}
