//! The background worker: a thread that owns the workspace and runs queries for the UI.
//!
//! After gitui's asyncjob: the UI thread never touches SQLite. It submits jobs; there is one
//! pending slot per kind of job, so a newer request replaces one that has not started yet (and
//! interrupts a running one of the same kind — a stale sort of millions of rows is not worth
//! finishing). Answers come back over a channel, each with the number and the view of its
//! request, and become `Action::Loaded`. Tests can use [`Worker::inline`], which runs each job
//! at once on the calling thread.
//!
//! A new kind of job is a `Request` variant with its `Slot`, an `Answer` variant, and its arm
//! in `execute`; the view that asks handles the answer in its `loaded`.

use super::period::Period;
use super::view::View;
use crate::analysis::demand::{self as analysis, Persist, WtpCells};
use crate::analysis::guidance::{self, CellDetail};
use crate::analysis::realization::{self, ProductCustomers, RealizationRoot, SegmentDetail};
use crate::model::PsmRow;
use crate::model::evidence::CellEvidence;
use crate::model::series::CellSeries;
use crate::realization::guidance::GuidanceRow;
use crate::realization::sums::Element;
use crate::scenario::Prepared;
use crate::store::Workspace;
use crate::store::demand::{self, DemandFilter, ElasticitySettings, StoredElasticity};
use crate::store::query::{self, DataTable, Overview, Page, PageQuery};
use crate::store::watch::Interrupt;
use std::collections::{BTreeMap, VecDeque};
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
    /// Every cell's methods side by side (`scenario`: whose value drivers give the economic
    /// value).
    Evidence {
        scenario: Option<PathBuf>,
    },
    /// The Bridge sub-view's customer × product sums of the default periods.
    Bridge,
    /// The Increase sub-view's realization of the list-price changes found in the data.
    Increase,
    /// The deal guidance of every segment × product (default options, all dates).
    Guidance,
    /// One segment × product's customers and quotes, for the guidance's drill and quote points.
    GuidanceCell {
        segment: String,
        product: String,
    },
}

/// A kind of job with its own pending slot: a newer request of the kind replaces one that has
/// not started yet. Declared lowest priority first: the slow fits run last, the small reads
/// that answer a keypress first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Slot {
    Evidence,
    Increase,
    Bridge,
    Wtp,
    Elasticity,
    Psm,
    Overview,
    Guidance,
    Page,
    Realization,
    SegmentDetail,
    ProductCustomers,
    GuidanceCell,
    ElasticityPoints,
    Scenario,
    CompareScenario,
}

impl Request {
    /// The slot of the request's kind.
    pub fn slot(&self) -> Slot {
        match self {
            Request::Evidence { .. } => Slot::Evidence,
            Request::Increase => Slot::Increase,
            Request::Bridge => Slot::Bridge,
            Request::Wtp => Slot::Wtp,
            Request::Elasticity { .. } => Slot::Elasticity,
            Request::Psm => Slot::Psm,
            Request::Overview => Slot::Overview,
            Request::Page { .. } => Slot::Page,
            Request::Realization => Slot::Realization,
            Request::SegmentDetail { .. } => Slot::SegmentDetail,
            Request::ProductCustomers { .. } => Slot::ProductCustomers,
            Request::ElasticityPoints { .. } => Slot::ElasticityPoints,
            Request::Scenario { compare: false, .. } => Slot::Scenario,
            Request::Scenario { compare: true, .. } => Slot::CompareScenario,
            Request::Guidance => Slot::Guidance,
            Request::GuidanceCell { .. } => Slot::GuidanceCell,
        }
    }
}

/// A numbered request from a view; the number and the view come back with the answer, so the
/// answer reaches the view that asked, which drops it when it has asked again since.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub seq: u64,
    pub asker: View,
    pub request: Request,
    /// The session's period when the job was asked for: the dates its reads keep.
    pub period: Period,
}

/// What a job produced: one variant per kind of request, errors as the status line says them.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Overview(Result<Overview, String>),
    Page(Result<Page, String>),
    Realization(Result<RealizationRoot, String>),
    SegmentDetail(Result<SegmentDetail, String>),
    ProductCustomers(Result<ProductCustomers, String>),
    Scenario(Box<Result<Prepared, String>>),
    Elasticity(Result<StoredElasticity, String>),
    /// The cell's dated periods (their [`CellSeries::points`] are the fit's points).
    ElasticityPoints(Result<CellSeries, String>),
    Wtp(Result<WtpCells, String>),
    Psm(Result<Vec<PsmRow>, String>),
    Evidence(Result<Vec<CellEvidence>, String>),
    Bridge(Result<Option<crate::analysis::bridge::BridgeData>, String>),
    Increase(Result<Vec<crate::realization::increase::ChangeRealization>, String>),
    Guidance(Result<Vec<GuidanceRow>, String>),
    GuidanceCell(Result<CellDetail, String>),
}

/// A finished job: the number and the view of its request, and its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub seq: u64,
    pub asker: View,
    pub answer: Answer,
}

/// What the worker sends back.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    Loaded(Box<Loaded>),
    /// Another process committed to the workspace since it was opened or last reloaded.
    DataChanged,
    /// A query waits for another process to finish writing (true), or no longer does (false).
    WorkspaceBusy(bool),
}

/// Runs a job on the workspace.
fn run(ws: &Workspace, job: Job) -> Response {
    Response::Loaded(Box::new(Loaded {
        seq: job.seq,
        asker: job.asker,
        answer: execute(ws, job.request, job.period),
    }))
}

/// Runs `request` over the lines of `period` where it reads transactions (the Data view's
/// tables, the fitted models, the survey and the scenarios keep every date: see
/// [`View::follows_period`]).
fn execute(ws: &Workspace, request: Request, period: Period) -> Answer {
    let within = period.scope();
    match request {
        Request::Overview => Answer::Overview(
            query::overview_within(ws, period.from, period.to).map_err(|e| e.to_string()),
        ),
        Request::Page { table, query } => {
            Answer::Page(query::page(ws, table, &query).map_err(|e| e.to_string()))
        }
        Request::Bridge => {
            let compare = (!period.is_all()).then_some((period.from, period.to));
            Answer::Bridge(
                crate::analysis::bridge::bridge_data(ws, compare).map_err(|e| e.to_string()),
            )
        }
        Request::Increase => Answer::Increase(
            crate::analysis::bridge::increase_realization(
                ws,
                &crate::analysis::bridge::IncreaseOptions {
                    effective: None,
                    announced: None,
                    window_days: 30,
                },
            )
            .map(|changes| {
                // The changes that took effect in the period.
                changes
                    .into_iter()
                    .filter(|c| {
                        period.from.is_none_or(|f| c.change.effective >= f)
                            && period.to.is_none_or(|t| c.change.effective <= t)
                    })
                    .collect()
            })
            .map_err(|e| e.to_string()),
        ),
        Request::Realization => Answer::Realization(
            realization::realization_root(ws, &within).map_err(|e| e.to_string()),
        ),
        Request::SegmentDetail { elements, segment } => Answer::SegmentDetail(
            realization::segment_detail(ws, &elements, &segment, &within)
                .map_err(|e| e.to_string()),
        ),
        Request::ProductCustomers {
            elements,
            segment,
            product,
        } => Answer::ProductCustomers(
            realization::product_customers(ws, &elements, &segment, &product, &within)
                .map_err(|e| e.to_string()),
        ),
        Request::Scenario { path, .. } => Answer::Scenario(Box::new(
            crate::analysis::scenario::prepare_with(
                ws,
                &path,
                crate::analysis::scenario::Detail::Customers,
            )
            .map_err(|e| format!("{e:#}")),
        )),
        Request::Elasticity { settings, refit } => {
            let result = match refit {
                true => analysis::refit_elasticity(ws, &settings, Persist::Store),
                false => analysis::stored_or_fit(ws, &settings, Persist::Store),
            };
            Answer::Elasticity(result.map_err(|e| e.to_string()))
        }
        Request::ElasticityPoints {
            settings,
            segment,
            product,
        } => Answer::ElasticityPoints(
            demand::cell_series(ws, &settings, &segment, &product).map_err(|e| e.to_string()),
        ),
        Request::Wtp => Answer::Wtp(analysis::wtp_cells(ws).map_err(|e| e.to_string())),
        Request::Psm => {
            Answer::Psm(analysis::psm_rows(ws, &DemandFilter::default()).map_err(|e| e.to_string()))
        }
        Request::Evidence { scenario } => Answer::Evidence(
            crate::analysis::evidence::evidence(ws, &DemandFilter::default(), scenario.as_deref())
                .map_err(|e| format!("{e:#}")),
        ),
        Request::Guidance => Answer::Guidance(
            guidance::guidance(ws, &within, &Default::default()).map_err(|e| e.to_string()),
        ),
        Request::GuidanceCell { segment, product } => Answer::GuidanceCell(
            guidance::cell_detail(ws, &segment, &product, &within).map_err(|e| e.to_string()),
        ),
    }
}

/// The jobs waiting to run, one per slot, and the slot of the one running.
#[derive(Default)]
struct Slots {
    pending: BTreeMap<Slot, Job>,
    running: Option<Slot>,
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
                slots.pending.insert(slot, job);
                shared.wake.notify_one();
            }
            Inner::Inline { ws, done } => done.push_back(run(ws, job)),
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
        if let Some((slot, job)) = slots.pending.pop_last() {
            slots.running = Some(slot);
            return Next::Job(job);
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
                let response = run(&ws, job);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every slot, in priority order.
    const SLOTS: [Slot; 16] = [
        Slot::Evidence,
        Slot::Increase,
        Slot::Bridge,
        Slot::Wtp,
        Slot::Elasticity,
        Slot::Psm,
        Slot::Overview,
        Slot::Guidance,
        Slot::Page,
        Slot::Realization,
        Slot::SegmentDetail,
        Slot::ProductCustomers,
        Slot::GuidanceCell,
        Slot::ElasticityPoints,
        Slot::Scenario,
        Slot::CompareScenario,
    ];

    /// A request whose kind has `slot` (the match makes a new slot name its request).
    fn request_for(slot: Slot) -> Request {
        let (segment, product, elements) = (String::new(), String::new(), Vec::new());
        let settings = ElasticitySettings::default();
        match slot {
            Slot::Evidence => Request::Evidence { scenario: None },
            Slot::Increase => Request::Increase,
            Slot::Bridge => Request::Bridge,
            Slot::Wtp => Request::Wtp,
            Slot::Elasticity => Request::Elasticity {
                settings,
                refit: false,
            },
            Slot::Psm => Request::Psm,
            Slot::Overview => Request::Overview,
            Slot::Page => Request::Page {
                table: DataTable::Segments,
                query: PageQuery::default(),
            },
            Slot::Realization => Request::Realization,
            Slot::Guidance => Request::Guidance,
            Slot::GuidanceCell => Request::GuidanceCell { segment, product },
            Slot::SegmentDetail => Request::SegmentDetail { elements, segment },
            Slot::ProductCustomers => Request::ProductCustomers {
                elements,
                segment,
                product,
            },
            Slot::ElasticityPoints => Request::ElasticityPoints {
                settings,
                segment,
                product,
            },
            Slot::Scenario | Slot::CompareScenario => Request::Scenario {
                path: PathBuf::new(),
                compare: slot == Slot::CompareScenario,
            },
        }
    }

    #[test]
    fn every_slot_belongs_to_its_own_kind_of_request_and_reads_outrank_fits() {
        for slot in SLOTS {
            assert_eq!(request_for(slot).slot(), slot);
        }
        assert!(SLOTS.windows(2).all(|w| w[0] < w[1]), "declared in order");
        assert!(Slot::Page > Slot::Overview && Slot::Overview > Slot::Wtp);
    }

    #[test]
    fn a_newer_request_of_a_kind_replaces_the_pending_one_and_keypress_reads_run_first() {
        let shared = Shared {
            slots: Mutex::new(Slots::default()),
            wake: Condvar::new(),
        };
        let job = |seq, slot| Job {
            seq,
            asker: View::Overview,
            request: request_for(slot),
            period: Period::default(),
        };
        let mut slots = shared.lock();
        for (seq, slot) in [(1, Slot::Wtp), (2, Slot::Page), (3, Slot::Page)] {
            slots.pending.insert(slot, job(seq, slot));
        }
        drop(slots);
        let order: Vec<u64> = std::iter::from_fn(|| match next_job(&shared) {
            Next::Job(j) => Some(j.seq),
            _ => None,
        })
        .take(2)
        .collect();
        assert_eq!(order, [3, 1]);
    }
}
