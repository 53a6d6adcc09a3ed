//! Binary-choice log-likelihood for the WTP models and its maximisation (damped Newton with
//! the analytic Hessian, argmin's L-BFGS with the analytic gradient where Newton cannot step,
//! then full Newton steps to polish).

use super::WtpModel;
use argmin::core::{CostFunction, Error, Executor, Gradient, State};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use statrs::function::erf::erfc;
use std::cell::Cell;

/// Gradient norm (of the mean log-likelihood, standardised price) at which L-BFGS stops.
const GRAD_TOL: f64 = 1e-7;
/// Most damped Newton steps from the start before L-BFGS takes over (see [`damped_newton`]).
const NEWTON_STEPS: usize = 50;
/// Newton steps after L-BFGS (see [`polish_with_newton`]).
const NEWTON_POLISH_STEPS: usize = 3;
/// A fit whose final gradient norm exceeds this is reported as `did_not_converge`.
const CONVERGED_GRAD: f64 = 1e-6;

/// (parameters, cost, gradient) of the last evaluation.
type Memo = ([f64; 2], f64, [f64; 2]);

/// Minus the mean log-likelihood in standardised coordinates z = (x − centre) / spread,
/// η = a + b·z. The last (cost, gradient) is memoised: the line search asks for both at once.
#[derive(Clone)]
struct NegLogLik<'a> {
    z: &'a [f64],
    won: &'a [bool],
    model: WtpModel,
    memo: Cell<Option<Memo>>,
}

impl NegLogLik<'_> {
    /// (−mean LL, gradient, Hessian of −mean LL) at (a, b).
    fn evaluate_full(&self, a: f64, b: f64) -> (f64, [f64; 2], [f64; 3]) {
        let (mut ll, mut ga, mut gb) = (0.0, 0.0, 0.0);
        let (mut haa, mut hab, mut hbb) = (0.0, 0.0, 0.0);
        for (&z, &won) in self.z.iter().zip(self.won) {
            let (l, d1, d2) = self.model.log_lik_terms(a + b * z, won);
            ll += l;
            ga += d1;
            gb += d1 * z;
            haa += d2;
            hab += d2 * z;
            hbb += d2 * z * z;
        }
        let n = self.z.len() as f64;
        (-ll / n, [-ga / n, -gb / n], [-haa / n, -hab / n, -hbb / n])
    }

    fn evaluate(&self, p: &[f64]) -> (f64, [f64; 2]) {
        let key = [p[0], p[1]];
        if let Some((k, c, g)) = self.memo.get()
            && k == key
        {
            return (c, g);
        }
        let (c, g, _) = self.evaluate_full(key[0], key[1]);
        self.memo.set(Some((key, c, g)));
        (c, g)
    }
}

impl CostFunction for NegLogLik<'_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, p: &Vec<f64>) -> Result<f64, Error> {
        finite(p)?;
        Ok(self.evaluate(p).0)
    }
}

impl Gradient for NegLogLik<'_> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;
    fn gradient(&self, p: &Vec<f64>) -> Result<Vec<f64>, Error> {
        finite(p)?;
        Ok(self.evaluate(p).1.to_vec())
    }
}

/// Stops argmin (whose line search would loop on NaN) as soon as a parameter is not finite.
fn finite(p: &[f64]) -> Result<(), Error> {
    if p.len() == 2 && p.iter().all(|v| v.is_finite()) {
        Ok(())
    } else {
        Err(Error::msg("parameters left the finite range"))
    }
}

/// Parameters on the original x scale with their covariance and log-likelihood.
pub(super) struct Estimate {
    pub(super) alpha: f64,
    pub(super) beta: f64,
    /// Covariance of (α, β): [var α, cov, var β].
    pub(super) cov: [f64; 3],
    pub(super) log_likelihood: f64,
}

/// Damped Newton (or L-BFGS) on standardised x, then the analytic Hessian at the optimum for the covariance;
/// both transformed back to the original x scale. `None` if it did not converge.
pub(super) fn maximise_likelihood(x: &[f64], won: &[bool], model: WtpModel) -> Option<Estimate> {
    let n = x.len() as f64;
    let centre = x.iter().sum::<f64>() / n;
    let spread = (x.iter().map(|x| (x - centre).powi(2)).sum::<f64>() / n).sqrt();
    let z: Vec<f64> = x.iter().map(|x| (x - centre) / spread).collect();
    let problem = NegLogLik {
        z: &z,
        won,
        model,
        memo: Cell::new(None),
    };
    let start = vec![
        model.inverse_link(won.iter().filter(|&&w| w).count() as f64 / n),
        0.0,
    ];
    let (a, b) = match damped_newton(&problem, start[0], start[1]) {
        Some(ab) => ab,
        None => run_lbfgs(&problem, start).ok()?,
    };
    let (a, b) = polish_with_newton(&problem, a, b);
    let (cost, grad, h) = problem.evaluate_full(a, b);
    let cov_ab = invert_information(h, n)?;
    let grad_norm = grad[0].hypot(grad[1]);
    if !(grad_norm < CONVERGED_GRAD && cost.is_finite()) {
        return None;
    }
    // α + β·x = a + b·(x − c)/s, so β = b/s and α = a − b·c/s; Cov transforms by that Jacobian.
    let (beta, alpha) = (b / spread, a - b * centre / spread);
    let j = [1.0, -centre / spread, 1.0 / spread];
    let cov = [
        cov_ab[0] + 2.0 * j[1] * cov_ab[1] + j[1] * j[1] * cov_ab[2],
        j[2] * (cov_ab[1] + j[1] * cov_ab[2]),
        j[2] * j[2] * cov_ab[2],
    ];
    Some(Estimate {
        alpha,
        beta,
        cov,
        log_likelihood: -cost * n,
    })
}

fn run_lbfgs(problem: &NegLogLik<'_>, start: Vec<f64>) -> Result<(f64, f64), Error> {
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), 5).with_tolerance_grad(GRAD_TOL)?;
    let result = Executor::new(problem.clone(), solver)
        .configure(|state| state.param(start).max_iters(200))
        .run()?;
    let best = result
        .state()
        .get_best_param()
        .ok_or_else(|| Error::msg("no parameter"))?;
    Ok((best[0], best[1]))
}

/// Newton steps with the analytic Hessian from the start, each halved until the cost falls
/// enough (Armijo), until the gradient is as small as L-BFGS would leave it: `None` when a
/// step cannot be made (a Hessian not positive definite, no decrease, a parameter leaving the
/// finite range, e.g. separated data whose optimum is at infinity) or it takes more than
/// [`NEWTON_STEPS`]; L-BFGS then starts over. The log-likelihood of these models is concave,
/// so from the start Newton usually needs 4–8 steps where L-BFGS with its line search
/// evaluates the likelihood 20–60 times: the WTP fits of every cell at 10M lines (424k
/// quotes) take a third of the time. Both end with [`polish_with_newton`], at the same
/// optimum.
fn damped_newton(problem: &NegLogLik<'_>, mut a: f64, mut b: f64) -> Option<(f64, f64)> {
    let (mut cost, mut grad, mut h) = problem.evaluate_full(a, b);
    for _ in 0..NEWTON_STEPS {
        if !cost.is_finite() {
            return None;
        }
        if grad[0].hypot(grad[1]) < GRAD_TOL {
            return Some((a, b));
        }
        let det = h[0] * h[2] - h[1] * h[1];
        if !(h[0] > 0.0 && det > 0.0) {
            return None;
        }
        let da = -(h[2] * grad[0] - h[1] * grad[1]) / det;
        let db = -(h[0] * grad[1] - h[1] * grad[0]) / det;
        let slope = grad[0] * da + grad[1] * db;
        let mut t = 1.0;
        let mut next = None;
        for _ in 0..40 {
            let (na, nb) = (a + t * da, b + t * db);
            if na.is_finite() && nb.is_finite() {
                let (c, g, hh) = problem.evaluate_full(na, nb);
                if c.is_finite() && c <= cost + 1e-4 * t * slope {
                    next = Some((na, nb, c, g, hh));
                    break;
                }
            }
            t *= 0.5;
        }
        (a, b, cost, grad, h) = next?;
    }
    None
}

/// Up to [`NEWTON_POLISH_STEPS`] full Newton steps with the analytic Hessian, kept while the
/// cost does not rise: L-BFGS stops at a moderate gradient (it degenerates when pushed to
/// rounding level), and near the optimum of this concave problem Newton converges
/// quadratically to full precision.
fn polish_with_newton(problem: &NegLogLik<'_>, mut a: f64, mut b: f64) -> (f64, f64) {
    let (mut cost, mut grad, mut h) = problem.evaluate_full(a, b);
    for _ in 0..NEWTON_POLISH_STEPS {
        let det = h[0] * h[2] - h[1] * h[1];
        if det.is_nan() || det <= 0.0 {
            break;
        }
        let da = (h[2] * grad[0] - h[1] * grad[1]) / det;
        let db = (h[0] * grad[1] - h[1] * grad[0]) / det;
        let (next_a, next_b) = (a - da, b - db);
        let (next_cost, next_grad, next_h) = problem.evaluate_full(next_a, next_b);
        if next_cost.is_nan() || next_cost > cost + 1e-15 * cost.abs() {
            break;
        }
        (a, b, cost, grad, h) = (next_a, next_b, next_cost, next_grad, next_h);
    }
    (a, b)
}

/// Covariance of (a, b) = inverse of the observed information n·H (H of −mean LL).
fn invert_information(h: [f64; 3], n: f64) -> Option<[f64; 3]> {
    let det = h[0] * h[2] - h[1] * h[1];
    if !(h[0] > 0.0 && det > 0.0) {
        return None;
    }
    let k = 1.0 / (det * n);
    Some([h[2] * k, -h[1] * k, h[0] * k])
}

/// (ln Λ(t), d/dt, d²/dt²) for the logistic cdf Λ, stable for large |t|.
pub(super) fn logistic_terms(t: f64) -> (f64, f64, f64) {
    let ln_cdf = -((-t).max(0.0) + (-t.abs()).exp().ln_1p());
    let p = 1.0 / (1.0 + t.exp()); // 1 − Λ(t) = Λ(−t)
    let q = 1.0 - p;
    (ln_cdf, p, -p * q)
}

/// (ln Φ(t), λ(t), −λ(t)(t + λ(t))) with λ = φ/Φ (inverse Mills ratio); asymptotic series in
/// the far left tail where Φ underflows.
pub(super) fn probit_terms(t: f64) -> (f64, f64, f64) {
    const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;
    let (ln_cdf, lambda) = if t > -30.0 {
        let cdf = normal_cdf(t);
        let pdf = (-0.5 * t * t - LN_SQRT_2PI).exp();
        (cdf.ln(), pdf / cdf)
    } else {
        let u = 1.0 / (t * t);
        let series = 1.0 - u + 3.0 * u * u - 15.0 * u * u * u;
        (
            -0.5 * t * t - LN_SQRT_2PI - (-t).ln() + series.ln(),
            -t / series,
        )
    };
    (ln_cdf, lambda, -lambda * (t + lambda))
}

pub(super) fn normal_cdf(t: f64) -> f64 {
    0.5 * erfc(-t / std::f64::consts::SQRT_2)
}

pub(super) fn normal_quantile(q: f64) -> f64 {
    -std::f64::consts::SQRT_2 * statrs::function::erf::erfc_inv(2.0 * q)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Quotes at prices 1..=40 won with a logistic chance falling in price (a fixed pattern,
    /// no randomness): an interior optimum.
    fn quotes() -> (Vec<f64>, Vec<bool>) {
        let x: Vec<f64> = (1..=40).map(f64::from).collect();
        let won = x
            .iter()
            .enumerate()
            .map(|(i, &p)| {
                let chance = 1.0 / (1.0 + (0.25 * (p - 20.0)).exp());
                // Won when the chance beats a spread of thresholds (golden-ratio steps).
                (i as f64 * 0.618_034).fract() < chance
            })
            .collect();
        (x, won)
    }

    fn problem<'a>(z: &'a [f64], won: &'a [bool], model: WtpModel) -> NegLogLik<'a> {
        NegLogLik {
            z,
            won,
            model,
            memo: Cell::new(None),
        }
    }

    #[test]
    fn damped_newton_reaches_the_optimum_l_bfgs_reaches() {
        let (x, won) = quotes();
        let n = x.len() as f64;
        let centre = x.iter().sum::<f64>() / n;
        let spread = (x.iter().map(|v| (v - centre).powi(2)).sum::<f64>() / n).sqrt();
        let z: Vec<f64> = x.iter().map(|v| (v - centre) / spread).collect();
        for model in WtpModel::ALL {
            let z = match model {
                WtpModel::LogNormal => x.iter().map(|v| v.ln()).collect::<Vec<f64>>(),
                _ => z.clone(),
            };
            let p = problem(&z, &won, model);
            let start = vec![
                model.inverse_link(won.iter().filter(|&&w| w).count() as f64 / n),
                0.0,
            ];
            let newton = damped_newton(&p, start[0], start[1]);
            let Some((a, b)) = newton else {
                panic!("{model:?}: Newton found no step");
            };
            let (la, lb) = run_lbfgs(&p, start).unwrap_or((f64::NAN, f64::NAN));
            let (pa, pb) = polish_with_newton(&p, a, b);
            let (qa, qb) = polish_with_newton(&p, la, lb);
            assert!(b < 0.0, "{model:?}: the chance falls with price ({b})");
            assert!(
                (pa - qa).abs() < 1e-9 && (pb - qb).abs() < 1e-9,
                "{model:?}: ({pa}, {pb}) against L-BFGS ({qa}, {qb})"
            );
        }
    }

    #[test]
    fn newton_without_a_step_leaves_the_fit_to_l_bfgs() {
        // No quotes: the cost is not a number, so Newton gives up at once.
        for model in WtpModel::ALL {
            assert_eq!(damped_newton(&problem(&[], &[], model), 0.0, 0.0), None);
        }
        // Won and lost prices separated (the fits refuse such data before they start): the
        // likelihood only flattens towards an infinite slope, which Newton follows far out.
        let z: Vec<f64> = (1..=40).map(|p| (f64::from(p) - 20.5) / 11.5).collect();
        let won: Vec<bool> = (1..=40).map(|p| p <= 20).collect();
        let far = damped_newton(&problem(&z, &won, WtpModel::Logistic), 0.0, 0.0);
        assert!(far.is_none_or(|(_, b)| b < -100.0), "{far:?}");
    }
}
