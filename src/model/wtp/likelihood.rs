//! Binary-choice log-likelihood for the WTP models and its maximisation (argmin L-BFGS with
//! the analytic gradient, then Newton steps with the analytic Hessian).

use super::WtpModel;
use argmin::core::{CostFunction, Error, Executor, Gradient, State};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use statrs::function::erf::erfc;
use std::cell::Cell;

/// Gradient norm (of the mean log-likelihood, standardised price) at which L-BFGS stops.
const GRAD_TOL: f64 = 1e-7;
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

/// L-BFGS on standardised x, then the analytic Hessian at the optimum for the covariance;
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
    let (a, b) = run_lbfgs(&problem, start).ok()?;
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
