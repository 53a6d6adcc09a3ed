//! A small, fast, non-cryptographic hasher (the Fx hash of rustc) for the import's hot maps:
//! ids and (segment, product, period) keys from the analyst's own files, where SipHash's
//! flood resistance buys nothing and costs a tenth of the import's time.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_i32(&mut self, i: i32) {
        self.add(i as u32 as u64);
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A `HashMap` using [`FxHasher`].
pub type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A map from ids to `V` for the import's per-line lookups. Ids of up to 15 bytes (nearly
/// all) are packed with their length into one integer, so a lookup hashes two words and
/// compares integers instead of calling `memcmp`; longer ids go to a map of strings.
pub struct IdMap<V> {
    short: FxHashMap<u128, V>,
    long: FxHashMap<String, V>,
}

impl<V> Default for IdMap<V> {
    fn default() -> Self {
        IdMap {
            short: FxHashMap::default(),
            long: FxHashMap::default(),
        }
    }
}

/// The id's bytes and length as one integer, when it has at most 15 bytes.
#[inline]
fn pack(id: &str) -> Option<u128> {
    let bytes = id.as_bytes();
    if bytes.len() > 15 {
        return None;
    }
    let mut word = [0u8; 16];
    word[..bytes.len()].copy_from_slice(bytes);
    word[15] = bytes.len() as u8;
    Some(u128::from_le_bytes(word))
}

impl<V> IdMap<V> {
    #[inline]
    pub fn get(&self, id: &str) -> Option<&V> {
        match pack(id) {
            Some(key) => self.short.get(&key),
            None => self.long.get(id),
        }
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut V> {
        match pack(id) {
            Some(key) => self.short.get_mut(&key),
            None => self.long.get_mut(id),
        }
    }

    pub fn contains_key(&self, id: &str) -> bool {
        self.get(id).is_some()
    }

    pub fn insert(&mut self, id: &str, value: V) {
        match pack(id) {
            Some(key) => self.short.insert(key, value),
            None => self.long.insert(id.to_string(), value),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::IdMap;

    #[test]
    fn ids_short_and_long_never_collide() {
        let ids = [
            "",
            "a",
            "a\0",
            "\0a",
            "C00235",
            "C00235 ",
            "123456789012345",
            "1234567890123456",
            "12345678901234567890",
            "Zürich",
            "Zürich-Nord-Filiale-7",
        ];
        let mut map = IdMap::default();
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(map.get(id), None, "{id:?}");
            map.insert(id, i);
        }
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(map.get(id), Some(&i), "{id:?}");
        }
        if let Some(v) = map.get_mut("Zürich-Nord-Filiale-7") {
            *v = 99;
        }
        assert_eq!(map.get("Zürich-Nord-Filiale-7"), Some(&99));
        assert!(!map.contains_key("C0023"));
        assert!(map.contains_key("C00235"));
    }
}
