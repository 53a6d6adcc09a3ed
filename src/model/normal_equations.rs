//! The normal equations X'X·β = X'y of a small least-squares problem (a dozen columns): a
//! Cholesky factorisation that drops any column the columns before it explain (numerically),
//! its solution, and (X'X)⁻¹ for sandwich covariances.

/// A column is dropped when the share of its sum of squares left after the columns before it
/// is below this (it is then a linear combination of them, up to rounding).
const COLLINEAR: f64 = 1e-9;

/// The Cholesky factor L (L·L' = X'X over the kept columns) of a symmetric k × k matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct Cholesky {
    /// Indices of the kept columns, increasing.
    pub kept: Vec<usize>,
    /// Lower triangle of L, row-major, kept × kept.
    l: Vec<f64>,
}

impl Cholesky {
    /// Factors the k × k symmetric matrix `a` (row-major), taking columns in order and dropping
    /// each one whose pivot is at most [`COLLINEAR`] times its diagonal (or not positive).
    pub fn new(a: &[f64], k: usize) -> Cholesky {
        let mut kept: Vec<usize> = Vec::with_capacity(k);
        let mut l: Vec<f64> = Vec::with_capacity(k * k);
        for j in 0..k {
            let diag = a[j * k + j];
            let m = kept.len();
            let mut row = vec![0.0; m + 1];
            for (p, &i) in kept.iter().enumerate() {
                let dot: f64 = (0..p).map(|q| row[q] * l[p * k + q]).sum();
                row[p] = (a[j * k + i] - dot) / l[p * k + p];
            }
            let pivot = diag - row[..m].iter().map(|v| v * v).sum::<f64>();
            if diag > 0.0 && pivot > COLLINEAR * diag {
                row[m] = pivot.sqrt();
                l.resize((m + 1) * k, 0.0);
                l[m * k..m * k + m + 1].copy_from_slice(&row);
                kept.push(j);
            }
        }
        let l = compact(&l, k, kept.len());
        Cholesky { kept, l }
    }

    fn at(&self, r: usize, c: usize) -> f64 {
        self.l[r * self.kept.len() + c]
    }

    /// β over the kept columns for the right-hand side `b` (indexed by all k columns).
    pub fn solve(&self, b: &[f64]) -> Vec<f64> {
        let m = self.kept.len();
        let mut z = vec![0.0; m];
        for r in 0..m {
            let dot: f64 = (0..r).map(|c| self.at(r, c) * z[c]).sum();
            z[r] = (b[self.kept[r]] - dot) / self.at(r, r);
        }
        let mut beta = vec![0.0; m];
        for r in (0..m).rev() {
            let dot: f64 = (r + 1..m).map(|c| self.at(c, r) * beta[c]).sum();
            beta[r] = (z[r] - dot) / self.at(r, r);
        }
        beta
    }

    /// (X'X)⁻¹ over the kept columns, row-major.
    pub fn inverse(&self) -> Vec<f64> {
        let m = self.kept.len();
        let mut inv = vec![0.0; m * m];
        for col in 0..m {
            let mut unit = vec![0.0; *self.kept.iter().max().unwrap_or(&0) + 1];
            unit[self.kept[col]] = 1.0;
            for (r, v) in self.solve(&unit).into_iter().enumerate() {
                inv[r * m + col] = v;
            }
        }
        inv
    }
}

/// L stored with row stride k, rewritten with stride m.
fn compact(l: &[f64], k: usize, m: usize) -> Vec<f64> {
    let mut out = vec![0.0; m * m];
    for r in 0..m {
        out[r * m..r * m + r + 1].copy_from_slice(&l[r * k..r * k + r + 1]);
    }
    out
}

/// The sandwich B·M·B of symmetric m × m matrices (row-major), scaled by `c`.
pub fn sandwich(bread: &[f64], meat: &[f64], m: usize, c: f64) -> Vec<f64> {
    let mut bm = vec![0.0; m * m];
    for i in 0..m {
        for j in 0..m {
            bm[i * m + j] = (0..m).map(|q| bread[i * m + q] * meat[q * m + j]).sum();
        }
    }
    let mut out = vec![0.0; m * m];
    for i in 0..m {
        for j in 0..m {
            out[i * m + j] = c
                * (0..m)
                    .map(|q| bm[i * m + q] * bread[q * m + j])
                    .sum::<f64>();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_and_inverts_a_small_system() {
        // X'X of columns (1, 1, 1), (1, 2, 4) and (2, 0, 1).
        let a = [3.0, 7.0, 3.0, 7.0, 21.0, 6.0, 3.0, 6.0, 5.0];
        let ch = Cholesky::new(&a, 3);
        assert_eq!(ch.kept, vec![0, 1, 2]);
        let beta = ch.solve(&[1.0, 2.0, 3.0]);
        for (i, row) in a.chunks(3).enumerate() {
            let ab: f64 = row.iter().zip(&beta).map(|(x, y)| x * y).sum();
            assert!((ab - [1.0, 2.0, 3.0][i]).abs() < 1e-12, "{ab}");
        }
        let inv = ch.inverse();
        for i in 0..3 {
            for j in 0..3 {
                let v: f64 = (0..3).map(|q| a[i * 3 + q] * inv[q * 3 + j]).sum();
                assert!((v - f64::from(u8::from(i == j))).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn drops_a_column_the_others_explain() {
        // Third column = first + second.
        let cols = [[1.0, 0.0, 2.0, 1.0], [0.0, 1.0, 1.0, 3.0]];
        let third: Vec<f64> = (0..4).map(|i| cols[0][i] + cols[1][i]).collect();
        let all = [cols[0].to_vec(), cols[1].to_vec(), third];
        let a: Vec<f64> = (0..9)
            .map(|ij| (0..4).map(|r| all[ij / 3][r] * all[ij % 3][r]).sum())
            .collect();
        assert_eq!(Cholesky::new(&a, 3).kept, vec![0, 1]);
        assert_eq!(Cholesky::new(&[0.0], 1).kept, Vec::<usize>::new());
    }
}
