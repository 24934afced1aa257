//! Deterministic, UUID-shaped ids for everything the fake creates.

/// Hands out ids that look like GUIDs and depend only on the seed and on how
/// many ids were handed out before: the same seed and the same sequence of
/// calls give the same ids on every run.
#[derive(Debug, Clone)]
pub(crate) struct IdGen {
    seed: u64,
    counter: u64,
}

impl IdGen {
    pub(crate) fn new(seed: u64) -> Self {
        Self { seed, counter: 0 }
    }

    /// The next id, e.g. `3f2a91c4-7b0e-4d1a-9c55-0e8f21b7a6d3`.
    pub(crate) fn next_id(&mut self) -> String {
        self.counter += 1;
        let hi = splitmix64(self.seed ^ self.counter.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let lo = splitmix64(hi ^ self.counter);
        format_uuid(hi, lo)
    }
}

/// A fresh random id for per-response values (request-id headers, trace ids)
/// that must not disturb the deterministic sequence.
pub(crate) fn random_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Formats 128 bits as a version-4-shaped UUID string.
fn format_uuid(hi: u64, lo: u64) -> String {
    let hi = (hi & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
    let lo = (lo & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xFFFF,
        hi & 0xFFFF,
        lo >> 48,
        lo & 0xFFFF_FFFF_FFFF
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_ids_different_seed_different_ids() {
        let a: Vec<_> = (0..5)
            .map({
                let mut g = IdGen::new(7);
                move |_| g.next_id()
            })
            .collect();
        let mut g = IdGen::new(7);
        let b: Vec<_> = (0..5).map(|_| g.next_id()).collect();
        assert_eq!(a, b);
        let mut other = IdGen::new(8);
        assert_ne!(a[0], other.next_id());
        let unique: std::collections::HashSet<_> = a.iter().collect();
        assert_eq!(unique.len(), 5);
    }

    #[test]
    fn ids_parse_as_uuid_v4() {
        let mut g = IdGen::new(1);
        for _ in 0..50 {
            let id = g.next_id();
            let u = uuid::Uuid::parse_str(&id).unwrap();
            assert_eq!(u.get_version_num(), 4, "{id}");
        }
    }
}
