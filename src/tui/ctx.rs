//! What a view's `update` may touch besides its own state: the jobs it asks the worker for and
//! the status line's message.

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
}

impl Jobs {
    /// Queues a request and returns its sequence number.
    pub fn request(&mut self, request: Request) -> u64 {
        self.next_seq += 1;
        self.outbox.push(Job {
            seq: self.next_seq,
            request,
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
}

impl Ctx<'_> {
    /// Says `text` on the status line as an error.
    pub fn error(&mut self, text: String) {
        *self.message = Some(Status::Error(text));
    }

    /// Says `text` on the status line.
    pub fn info(&mut self, text: String) {
        *self.message = Some(Status::Info(text));
    }
}
