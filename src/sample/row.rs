//! Cheap CSV row formatting for the big files: integers, cents and pre-built strings appended to a
//! byte buffer, no allocation per field (the values never need quoting).

/// One CSV line being built; `finish` appends it to an output buffer.
#[derive(Debug, Default)]
pub struct RowBuf {
    buf: Vec<u8>,
}

impl RowBuf {
    /// The bytes written so far.
    pub fn bytes(&self) -> &[u8] {
        &self.buf
    }

    /// Forgets the bytes written so far (keeps the capacity).
    pub fn clear(&mut self) {
        self.buf.clear();
    }

    /// A field that is already valid CSV (no comma, quote or newline).
    pub fn text(&mut self, s: &str) -> &mut Self {
        self.sep();
        self.buf.extend_from_slice(s.as_bytes());
        self
    }

    /// A prefix then `n` zero-padded to `width` digits (ids like `T00000042`).
    pub fn id(&mut self, prefix: &str, n: u64, width: usize) -> &mut Self {
        self.sep();
        self.buf.extend_from_slice(prefix.as_bytes());
        let mut digits = [0u8; 20];
        let len = write_digits(n, &mut digits);
        self.buf
            .extend(std::iter::repeat_n(b'0', width.saturating_sub(len)));
        self.buf.extend_from_slice(&digits[20 - len..]);
        self
    }

    /// A signed integer.
    pub fn int(&mut self, n: i64) -> &mut Self {
        self.sep();
        self.push_int(n);
        self
    }

    /// An amount in cents written as currency with two decimals (`-12.05`).
    pub fn cents(&mut self, c: i64) -> &mut Self {
        self.sep();
        if c < 0 {
            self.buf.push(b'-');
        }
        let abs = c.unsigned_abs();
        self.push_int((abs / 100) as i64);
        let frac = (abs % 100) as u8;
        self.buf
            .extend_from_slice(&[b'.', b'0' + frac / 10, b'0' + frac % 10]);
        self
    }

    /// Ends the line.
    pub fn end(&mut self) {
        self.buf.push(b'\n');
    }

    fn sep(&mut self) {
        if !self.buf.is_empty() && self.buf.last() != Some(&b'\n') {
            self.buf.push(b',');
        }
    }

    fn push_int(&mut self, n: i64) {
        if n < 0 {
            self.buf.push(b'-');
        }
        let mut digits = [0u8; 20];
        let len = write_digits(n.unsigned_abs(), &mut digits);
        self.buf.extend_from_slice(&digits[20 - len..]);
    }
}

/// Writes the decimal digits of `n` right-aligned into `out`; returns how many.
fn write_digits(mut n: u64, out: &mut [u8; 20]) -> usize {
    let mut i = 20;
    loop {
        i -= 1;
        out[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return 20 - i;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_ids_ints_and_cents() {
        let mut r = RowBuf::default();
        r.id("T", 42, 8)
            .int(-7)
            .cents(1205)
            .cents(-5)
            .cents(0)
            .text("x");
        r.end();
        r.int(0);
        r.end();
        assert_eq!(
            std::str::from_utf8(r.bytes()).ok(),
            Some("T00000042,-7,12.05,-0.05,0.00,x\n0\n")
        );
    }
}
