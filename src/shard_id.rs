//! Which shard of a sharded scan this process walks (`--shard=K/N` or
//! `auto`), and the part's name it makes from `%r`: the option's value,
//! kept apart from the sharding itself so that the configuration can hold
//! it.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

/// Shard `k` of `n`, counted from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShardId {
    pub k: u32,
    pub n: u32,
}

/// The most shards a scan may be cut into: each is a process and a file.
pub const MAX_SHARDS: u32 = 1 << 20;

/// The launchers' variables, rank (from 0) and size, in the order they
/// are looked at.
const LAUNCHERS: &[(&str, &str)] = &[
    ("SLURM_PROCID", "SLURM_NTASKS"),
    ("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"),
    ("PMI_RANK", "PMI_SIZE"),
];

impl ShardId {
    fn new(k: u64, n: u64) -> Option<ShardId> {
        let valid = n >= 1 && n <= u64::from(MAX_SHARDS) && k >= 1 && k <= n;
        valid.then_some(ShardId {
            k: k as u32,
            n: n as u32,
        })
    }

    /// `--shard`'s value: `K/N`, or `auto` read through `var` from the
    /// launcher's environment. The error is the message to print.
    pub fn parse(value: &[u8], var: &dyn Fn(&str) -> Option<OsString>) -> Result<ShardId, String> {
        if value == b"auto" {
            return Self::from_launcher(var);
        }
        let text = String::from_utf8_lossy(value);
        let invalid = || {
            format!(
                "invalid shard '{text}': expected K/N, shard K (1 to N) of N (1 to {MAX_SHARDS}), or auto"
            )
        };
        let (k, n) = text.split_once('/').ok_or_else(invalid)?;
        let number = |s: &str| {
            (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<u64>().ok())
                .flatten()
        };
        match (number(k), number(n)) {
            (Some(k), Some(n)) => ShardId::new(k, n).ok_or_else(invalid),
            _ => Err(invalid()),
        }
    }

    /// K and N from the first launcher whose two variables are set.
    fn from_launcher(var: &dyn Fn(&str) -> Option<OsString>) -> Result<ShardId, String> {
        for (rank_name, size_name) in LAUNCHERS {
            let (Some(rank), Some(size)) = (var(rank_name), var(size_name)) else {
                continue;
            };
            let number = |v: &OsStr| {
                let s = v.to_string_lossy();
                (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| s.parse::<u64>().ok())
                    .flatten()
            };
            return match (number(&rank), number(&size)) {
                (Some(rank), Some(size)) if rank < size => ShardId::new(rank + 1, size)
                    .ok_or_else(|| format!("--shard=auto: {size_name}={size} is too many shards")),
                _ => Err(format!(
                    "--shard=auto: {rank_name}={} and {size_name}={} are no rank and size \
                     (a rank from 0 below the size)",
                    rank.to_string_lossy(),
                    size.to_string_lossy()
                )),
            };
        }
        let names: Vec<String> = LAUNCHERS.iter().map(|(r, s)| format!("{r}/{s}")).collect();
        Err(format!(
            "--shard=auto: no launcher said which shard this is: none of {} is set",
            names.join(", ")
        ))
    }

    /// `name` with each `%r` replaced by the shard's number (and `%%` by
    /// `%`), so that one command line names every part.
    pub fn name_part(&self, name: &OsStr) -> OsString {
        let bytes = name.as_bytes();
        let mut out = Vec::with_capacity(bytes.len() + 8);
        let mut i = 0;
        while i < bytes.len() {
            match (bytes[i], bytes.get(i + 1)) {
                (b'%', Some(b'r')) => {
                    out.extend_from_slice(self.k.to_string().as_bytes());
                    i += 2;
                }
                (b'%', Some(b'%')) => {
                    out.push(b'%');
                    i += 2;
                }
                (b, _) => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        OsString::from_vec(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.into())
    }

    #[test]
    fn k_of_n_is_read_and_checked() {
        let none = env(&[]);
        assert_eq!(ShardId::parse(b"2/7", &none), Ok(ShardId { k: 2, n: 7 }));
        for bad in [
            "0/3", "4/3", "1/0", "1", "/3", "a/b", "1/3/4", "-1/3", "+1/3",
        ] {
            assert!(ShardId::parse(bad.as_bytes(), &none).is_err(), "{bad}");
        }
    }

    #[test]
    fn auto_takes_the_first_launcher_that_is_set_and_counts_from_one() {
        let slurm = env(&[
            ("SLURM_PROCID", "0"),
            ("SLURM_NTASKS", "4"),
            ("PMI_RANK", "3"),
            ("PMI_SIZE", "9"),
        ]);
        assert_eq!(ShardId::parse(b"auto", &slurm), Ok(ShardId { k: 1, n: 4 }));
        let ompi = env(&[("OMPI_COMM_WORLD_RANK", "3"), ("OMPI_COMM_WORLD_SIZE", "4")]);
        assert_eq!(ShardId::parse(b"auto", &ompi), Ok(ShardId { k: 4, n: 4 }));
        let pmi = env(&[("PMI_RANK", "4"), ("PMI_SIZE", "4")]);
        assert!(
            ShardId::parse(b"auto", &pmi).is_err(),
            "a rank past the size"
        );
        let half = env(&[("SLURM_PROCID", "1")]);
        let e = ShardId::parse(b"auto", &half).unwrap_err();
        assert!(e.contains("SLURM_PROCID/SLURM_NTASKS"), "{e}");
    }

    #[test]
    fn percent_r_names_the_part() {
        let id = ShardId { k: 12, n: 64 };
        assert_eq!(
            id.name_part(OsStr::new("/scratch/scan-%r.json")),
            OsStr::new("/scratch/scan-12.json")
        );
        assert_eq!(id.name_part(OsStr::new("a%%r%r%")), OsStr::new("a%r12%"));
    }
}
