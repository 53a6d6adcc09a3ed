//! The background worker: a thread that owns the workspace and runs queries for the UI.
//!
//! After gitui's asyncjob: the UI thread never touches SQLite. It submits jobs; there is one
//! pending slot per kind of job, so a newer request replaces one that has not started yet (and
//! interrupts a running one of the same kind — a stale sort of millions of rows is not worth
//! finishing). Results come back over a channel and become `Action`s. Tests can use
//! [`Worker::inline`], which runs each job at once on the calling thread.

use super::action::Action;
use crate::model::{CellPoints, PsmRow, compute_psm_cells};
use crate::scenario::Prepared;
use crate::store::Workspace;
use crate::store::demand::{self, DemandFilter, ElasticitySettings, StoredElasticity, WtpCells};
use crate::store::query::{self, DataTable, Overview, Page, PageQuery};
use crate::store::realization::{self, Element, ProductCustomers, RealizationRoot, SegmentDetail};
use crate::store::watch::Interrupt;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// What the UI asks the worker for.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Overview,
    Page {
        table: DataTable,
        query: PageQuery,
    },
    /// The Realization view's totals and segments.
    Realization,
    /// One segment's products.
    SegmentDetail {
        elements: Vec<Element>,
        segment: String,
    },
    /// One segment × product's customers.
    ProductCustomers {
        elements: Vec<Element>,
        segment: String,
        product: String,
    },
    /// A scenario file with its baseline (`compare`: as the second of a comparison).
    Scenario {
        path: PathBuf,
        compare: bool,
    },
    /// The stored elasticities (fitted and stored first if there are none), or a new fit.
    Elasticity {
        settings: ElasticitySettings,
        refit: bool,
    },
    /// One cell's points for the demand curve chart.
    ElasticityPoints {
        settings: ElasticitySettings,
        segment: String,
        product: String,
    },
    /// Every cell's quotes and WTP fits.
    Wtp,
    /// Every cell's price sensitivity meter.
    Psm,
}

impl Request {
    fn slot(&self) -> usize {
        // Higher slots run first: the slow fits last, a keypress's small reads first.
        match self {
            Request::Wtp => 0,
            Request::Elasticity { .. } => 1,
            Request::Psm => 2,
            Request::Overview => 3,
            Request::Page { .. } => 4,
            Request::Realization => 5,
            Request::SegmentDetail { .. } => 6,
            Request::ProductCustomers { .. } => 7,
            Request::ElasticityPoints { .. } => 8,
            Request::Scenario { compare: false, .. } => 9,
            Request::Scenario { compare: true, .. } => 10,
        }
    }
}

/// A numbered request; the number comes back with the response so stale answers can be dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub seq: u64,
    pub request: Request,
}

/// A finished job.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    Overview(u64, Result<Overview, String>),
    Page(u64, Result<Page, String>),
    Realization(u64, Result<RealizationRoot, String>),
    SegmentDetail(u64, Result<SegmentDetail, String>),
    ProductCustomers(u64, Result<ProductCustomers, String>),
    Scenario(u64, Box<Result<Prepared, String>>),
    /// Another process committed to the workspace since it was opened or last reloaded.
    DataChanged,
    /// A query waits for another process to finish writing (true), or no longer does (false).
    WorkspaceBusy(bool),
    Elasticity(u64, Result<StoredElasticity, String>),
    ElasticityPoints(u64, Result<CellPoints, String>),
    Wtp(u64, Result<WtpCells, String>),
    Psm(u64, Result<Vec<PsmRow>, String>),
}

impl Response {
    /// The action that applies this response to the app.
    pub fn into_action(self) -> Action {
        match self {
            Response::Overview(seq, r) => Action::OverviewLoaded(seq, Box::new(r)),
            Response::Page(seq, r) => Action::PageLoaded(seq, Box::new(r)),
            Response::Realization(seq, r) => Action::RealizationLoaded(seq, Box::new(r)),
            Response::SegmentDetail(seq, r) => Action::SegmentDetailLoaded(seq, Box::new(r)),
            Response::ProductCustomers(seq, r) => Action::ProductCustomersLoaded(seq, Box::new(r)),
            Response::Scenario(seq, r) => Action::ScenarioLoaded(seq, r),
            Response::DataChanged => Action::DataChanged,
            Response::WorkspaceBusy(busy) => Action::WorkspaceBusy(busy),
            Response::Elasticity(seq, r) => Action::ElasticityLoaded(seq, Box::new(r)),
            Response::ElasticityPoints(seq, r) => Action::ElasticityPointsLoaded(seq, Box::new(r)),
            Response::Wtp(seq, r) => Action::WtpLoaded(seq, Box::new(r)),
            Response::Psm(seq, r) => Action::PsmLoaded(seq, Box::new(r)),
        }
    }
}

fn execute(ws: &Workspace, job: Job) -> Response {
    match job.request {
        Request::Overview => {
            Response::Overview(job.seq, query::overview(ws).map_err(|e| e.to_string()))
        }
        Request::Page { table, query } => Response::Page(
            job.seq,
            query::page(ws, table, &query).map_err(|e| e.to_string()),
        ),
        Request::Realization => Response::Realization(
            job.seq,
            realization::realization_root(ws).map_err(|e| e.to_string()),
        ),
        Request::SegmentDetail { elements, segment } => Response::SegmentDetail(
            job.seq,
            realization::segment_detail(ws, &elements, &segment).map_err(|e| e.to_string()),
        ),
        Request::ProductCustomers {
            elements,
            segment,
            product,
        } => Response::ProductCustomers(
            job.seq,
            realization::product_customers(ws, &elements, &segment, &product)
                .map_err(|e| e.to_string()),
        ),
        Request::Scenario { path, .. } => Response::Scenario(
            job.seq,
            Box::new(crate::commands::scenario::prepare(ws, &path).map_err(|e| format!("{e:#}"))),
        ),
        Request::Elasticity { settings, refit } => {
            let result = match refit {
                true => demand::refit_elasticity(ws, &settings),
                false => demand::stored_or_fit(ws, &settings),
            };
            Response::Elasticity(job.seq, result.map_err(|e| e.to_string()))
        }
        Request::ElasticityPoints {
            settings,
            segment,
            product,
        } => Response::ElasticityPoints(
            job.seq,
            demand::cell_points(ws, &settings, &segment, &product).map_err(|e| e.to_string()),
        ),
        Request::Wtp => Response::Wtp(job.seq, demand::wtp_cells(ws).map_err(|e| e.to_string())),
        Request::Psm => Response::Psm(
            job.seq,
            demand::survey_cells(ws, &DemandFilter::default())
                .map(|cells| compute_psm_cells(&cells))
                .map_err(|e| e.to_string()),
        ),
    }
}

const SLOTS: usize = 11;

#[derive(Default)]
struct Slots {
    pending: [Option<Job>; SLOTS],
    running: Option<usize>,
    quit: bool,
}

struct Shared {
    slots: Mutex<Slots>,
    wake: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Slots> {
        // A poisoned lock only means the other side panicked; the slots are still usable.
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }
}

enum Inner {
    Thread {
        shared: Arc<Shared>,
        responses: Receiver<Response>,
        interrupt: Interrupt,
    },
    Inline {
        ws: Box<Workspace>,
        done: VecDeque<Response>,
    },
}

/// Runs workspace queries off the UI thread (or inline, for tests).
pub struct Worker {
    inner: Inner,
}

impl Worker {
    /// Starts the worker thread, which takes ownership of the workspace.
    pub fn spawn(ws: Workspace) -> Worker {
        let shared = Arc::new(Shared {
            slots: Mutex::new(Slots::default()),
            wake: Condvar::new(),
        });
        let (tx, responses) = mpsc::channel();
        let interrupt = ws.interrupter();
        let thread_shared = Arc::clone(&shared);
        std::thread::spawn(move || work(ws, &thread_shared, &tx));
        Worker {
            inner: Inner::Thread {
                shared,
                responses,
                interrupt,
            },
        }
    }

    /// A worker that runs each job as soon as it is submitted, on the calling thread.
    pub fn inline(ws: Workspace) -> Worker {
        Worker {
            inner: Inner::Inline {
                ws: Box::new(ws),
                done: VecDeque::new(),
            },
        }
    }

    /// Queues a job, replacing a pending job of the same kind.
    pub fn submit(&mut self, job: Job) {
        match &mut self.inner {
            Inner::Thread {
                shared, interrupt, ..
            } => {
                let slot = job.request.slot();
                let mut slots = shared.lock();
                if slots.running == Some(slot) {
                    interrupt.query();
                }
                slots.pending[slot] = Some(job);
                shared.wake.notify_one();
            }
            Inner::Inline { ws, done } => done.push_back(execute(ws, job)),
        }
    }

    /// A finished job, if any, without waiting.
    pub fn try_recv(&mut self) -> Option<Response> {
        match &mut self.inner {
            Inner::Thread { responses, .. } => responses.try_recv().ok(),
            Inner::Inline { done, .. } => done.pop_front(),
        }
    }

    /// The next finished job, waiting up to `timeout`; `None` on timeout or if the worker died.
    pub fn recv_timeout(&mut self, timeout: Duration) -> Option<Response> {
        match &mut self.inner {
            Inner::Thread { responses, .. } => responses.recv_timeout(timeout).ok(),
            Inner::Inline { done, .. } => done.pop_front(),
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Inner::Thread {
            shared, interrupt, ..
        } = &self.inner
        {
            shared.lock().quit = true;
            // A query waiting for another process's lock gives up, too.
            interrupt.all();
            shared.wake.notify_one();
        }
    }
}

/// What the worker thread does next.
enum Next {
    Job(Job),
    /// Nothing asked for a while: time to look whether the workspace changed.
    Idle,
    Quit,
}

/// How often an idle worker checks whether another process changed the workspace.
const WATCH_EVERY: Duration = Duration::from_secs(1);

fn next_job(shared: &Shared) -> Next {
    let mut slots = shared.lock();
    loop {
        if slots.quit {
            return Next::Quit;
        }
        // Higher slots first: pages and drill-downs answer keypresses.
        if let Some(slot) = (0..SLOTS).rev().find(|&i| slots.pending[i].is_some()) {
            slots.running = Some(slot);
            return slots.pending[slot].take().map_or(Next::Idle, Next::Job);
        }
        let (guard, timeout) = shared
            .wake
            .wait_timeout(slots, WATCH_EVERY)
            .unwrap_or_else(|e| e.into_inner());
        slots = guard;
        if timeout.timed_out() {
            return Next::Idle;
        }
    }
}

fn work(ws: Workspace, shared: &Shared, tx: &Sender<Response>) {
    let waited = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (notice_tx, notice_waited) = (tx.clone(), Arc::clone(&waited));
    ws.waiting().on_wait(move || {
        notice_waited.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = notice_tx.send(Response::WorkspaceBusy(true));
    });
    let version = |ws: &Workspace| ws.data_version().ok();
    let mut seen = version(&ws);
    loop {
        let response = match next_job(shared) {
            Next::Quit => return,
            Next::Idle => match version(&ws) {
                now if now != seen && now.is_some() => {
                    seen = now;
                    Some(Response::DataChanged)
                }
                _ => None,
            },
            Next::Job(job) => {
                let response = execute(&ws, job);
                shared.lock().running = None;
                Some(response)
            }
        };
        let wait_over = waited
            .swap(false, std::sync::atomic::Ordering::SeqCst)
            .then_some(Response::WorkspaceBusy(false));
        for r in response.into_iter().chain(wait_over) {
            if tx.send(r).is_err() {
                return;
            }
        }
    }
}
