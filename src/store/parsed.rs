//! The parse cache, `.lore/parsed.bin`: every document as this build of lore
//! parsed it, with the settled stamp of its file (`FileStamp`), so a load
//! parses again only the files written since (`Kb::load_cached`: `lore
//! export` and `lore serve`). A document is taken from the cache only for
//! the same file at the same stamp, folder kind, time zone and lore build;
//! anything unreadable in the cache is read from its file instead.

use super::FileStamp;
use super::cache_file::{Reader, put_field};
use crate::config::Config;
use crate::doc::{Doc, Kind};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

const FILE: &str = "parsed.bin";

/// What parsing a document depends on beyond its file's bytes, path and
/// folder kind (`super::parse_source`): the KB's time zone. Documents parsed
/// with other inputs are parsed again.
pub fn inputs(cfg: &Config) -> String {
    cfg.tz.name().to_string()
}

/// Documents by path, with the stamp and kind each was read at, and the
/// hash of the bytes it was parsed from (`Kb::source_key`).
pub type Cached = HashMap<PathBuf, ((FileStamp, Kind), Doc, u64)>;

/// The cache file as read, to copy the entries of the documents that did
/// not change into the next one instead of encoding them again.
#[derive(Default)]
pub struct Raw {
    bytes: Vec<u8>,
    at: HashMap<PathBuf, std::ops::Range<usize>>,
}

impl Raw {
    /// The entry of the document at `path` read at `st` as `kind`.
    fn entry(&self, path: &Path, st: &FileStamp, kind: Kind) -> Option<&[u8]> {
        let e = self.bytes.get(self.at.get(path)?.clone())?;
        let mut r = Reader(e);
        r.field()?;
        let k = r.take(1)?[0];
        let was = FileStamp::from_bytes(r.take(FileStamp::BYTES)?)?;
        (k == kind as u8 && was == *st).then_some(e)
    }
}

/// How an entry's document is written: postcard, compact and quick to read
/// back, for a document without front matter fields lore does not know
/// (those are free-form values, which only a self-describing form reads
/// back), JSON for the others.
const POSTCARD: u8 = 1;
const JSON: u8 = 0;

/// What `Serialize` writes of a document, with the parts it skips.
type Parts<'a> = (&'a Doc, Vec<(usize, usize)>, &'a Vec<(String, usize)>);

/// One document: what its `Serialize` writes, the parts it skips, and the
/// body as it is.
fn encode(st: &FileStamp, kind: Kind, source: u64, d: &Doc) -> Option<Vec<u8>> {
    if !round_trips(d) {
        return None;
    }
    let ranges: Vec<(usize, usize)> = d
        .sections
        .iter()
        .map(|s| (s.content.start, s.content.end))
        .collect();
    let parts: Parts = (d, ranges, &d.meta.key_lines);
    let (form, bytes) = if d.meta.extra.is_empty() {
        (POSTCARD, postcard::to_allocvec(&parts).ok()?)
    } else {
        (JSON, serde_json::to_vec(&parts).ok()?)
    };
    let mut out = Vec::with_capacity(bytes.len() + d.body.len() + 96);
    put_field(&mut out, d.path.to_str()?.as_bytes());
    out.push(kind as u8);
    out.extend_from_slice(&st.to_bytes());
    out.extend_from_slice(&source.to_le_bytes());
    out.push(form);
    put_field(&mut out, &bytes);
    put_field(&mut out, d.body.as_bytes());
    Some(out)
}

/// Whether the document reads back exactly as it is: its times are written
/// with their offset to the minute (as RFC 3339 has it), so an offset with
/// seconds (old local mean times) would come back another instant. Such a
/// document is parsed each time instead.
fn round_trips(d: &Doc) -> bool {
    let whole = |t: &Option<chrono::DateTime<chrono::FixedOffset>>| {
        t.is_none_or(|t| t.offset().local_minus_utc() % 60 == 0)
    };
    let (m, s) = (&d.meta, &d.stamps);
    [m.started, m.detected, m.mitigated, m.resolved]
        .iter()
        .chain([s.started, s.detected, s.mitigated, s.resolved].iter())
        .chain(d.timeline.iter().map(|e| &e.at))
        .all(whole)
}

type Entry = (PathBuf, (FileStamp, Kind), Doc, u64);

fn decode(bytes: &[u8]) -> Option<Entry> {
    let mut r = Reader(bytes);
    let path = PathBuf::from(std::str::from_utf8(r.field()?).ok()?);
    let kind = match r.take(1)?[0] {
        0 => Kind::Postmortem,
        1 => Kind::Runbook,
        _ => return None,
    };
    let st = FileStamp::from_bytes(r.take(FileStamp::BYTES)?)?;
    let source = r.u64()?;
    let form = r.take(1)?[0];
    type Owned = (Doc, Vec<(usize, usize)>, Vec<(String, usize)>);
    let (mut d, ranges, key_lines): Owned = match form {
        POSTCARD => postcard::from_bytes(r.field()?).ok()?,
        JSON => serde_json::from_slice(r.field()?).ok()?,
        _ => return None,
    };
    d.body = String::from_utf8(r.field()?.to_vec()).ok()?;
    if ranges.len() != d.sections.len() || d.path != path {
        return None;
    }
    for (s, (a, b)) in d.sections.iter_mut().zip(ranges) {
        if a > b || b > d.body.len() || !d.body.is_char_boundary(a) || !d.body.is_char_boundary(b) {
            return None;
        }
        s.content = a..b;
    }
    d.meta.key_lines = key_lines;
    Some((path, (st, kind), d, source))
}

/// The cached documents of the KB at `root`, with the file they were read
/// from; empty when there is no cache or it was written by another build or
/// with other parse `inputs`.
pub fn read(root: &Path, cfg: &Config) -> (Cached, Raw) {
    let Some(body) =
        super::cache_file::Dir::open(root).and_then(|d| d.read(FILE, inputs(cfg).as_bytes()))
    else {
        return Default::default();
    };
    let Some(entries) = split(body.get()) else {
        return Default::default();
    };
    let base = body.bytes.as_ptr() as usize;
    let decoded: Vec<(Entry, std::ops::Range<usize>)> = entries
        .par_iter()
        .filter_map(|e| {
            let start = e.as_ptr() as usize - base;
            Some((decode(e)?, start..start + e.len()))
        })
        .collect();
    let mut docs = Cached::with_capacity(decoded.len());
    let mut at = HashMap::with_capacity(decoded.len());
    for ((p, st, d, source), range) in decoded {
        at.insert(p.clone(), range);
        docs.insert(p, (st, d, source));
    }
    (
        docs,
        Raw {
            bytes: body.bytes,
            at,
        },
    )
}

/// The entries of a cache file's body.
fn split(body: &[u8]) -> Option<Vec<&[u8]>> {
    let mut r = Reader(body);
    let mut out = Vec::new();
    while !r.0.is_empty() {
        out.push(r.field()?);
    }
    Some(out)
}

/// Writes the cache for `docs`, each read at the stamp `read_at` gives (the
/// others are left out) from the bytes `sources` gives the hash of. Only
/// saves time, so failing is silent; it is not flushed to disk either, as a
/// torn file fails its checksum.
pub fn write(
    root: &Path,
    cfg: &Config,
    docs: &[Doc],
    read_at: &HashMap<PathBuf, (FileStamp, Kind)>,
    sources: &HashMap<PathBuf, (Kind, u64)>,
    raw: &Raw,
) {
    let Some(dir) = super::cache_file::Dir::open(root) else {
        return;
    };
    let save = || -> Option<()> {
        let mut out = dir.writer(FILE, inputs(cfg).as_bytes())?;
        // Encoded a few hundred at a time: the whole KB encoded at once
        // would add its size to the peak memory.
        for chunk in docs.chunks(512) {
            let entries: Vec<std::borrow::Cow<[u8]>> = chunk
                .par_iter()
                .filter_map(|d| {
                    let (st, kind) = read_at.get(&d.path)?;
                    match raw.entry(&d.path, st, *kind) {
                        Some(e) => Some(e.into()),
                        None => {
                            let &(_, source) = sources.get(&d.path)?;
                            encode(st, *kind, source, d).map(Into::into)
                        }
                    }
                })
                .collect();
            for e in &entries {
                out.write(&(e.len() as u32).to_le_bytes()).ok()?;
                out.write(e).ok()?;
            }
        }
        out.finish().ok()
    };
    let _ = save();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::ParseContext;

    fn stamp() -> FileStamp {
        FileStamp::from_bytes(&[7; FileStamp::BYTES]).unwrap()
    }

    #[test]
    fn a_document_reads_back_as_it_was_parsed() {
        let text = "---\ntitle: Ünïcode & co\ndate: 2024-03-12\nseverity: SEV2\nfactors: [dns]\nstarted: 2024-03-12T14:02:00+01:00\nslo_impact: [{slo: api, bad_minutes: 12.5}]\nmystery: {a: [1, 2.5, null]}\nbad_date: x\n---\n\n## Summary\n\nText é.\n\n## Timeline\n\n- 14:02 Detected by an alert\n- 14:30 Mitigated\n\n## Action items\n\n- [ ] Fix it @ann due:2024-04-01 #prevent\n\nSee [rb](../runbooks/x.md).\n";
        let d = Doc::parse(
            text,
            Path::new("postmortems/a.md"),
            &ParseContext::default(),
        );
        assert!(!d.sections.is_empty() && !d.timeline.is_empty());
        let bytes = encode(&stamp(), Kind::Postmortem, 9, &d).unwrap();
        let (path, (st, kind), back, source) = decode(&bytes).unwrap();
        assert_eq!(source, 9);
        assert_eq!(
            (path, st, kind),
            (d.path.clone(), stamp(), Kind::Postmortem)
        );
        assert_eq!(format!("{back:?}"), format!("{d:?}"));
        // Without fields lore does not know: the compact form, read back
        // the same.
        let plain = Doc::parse(
            &text
                .replace("mystery: {a: [1, 2.5, null]}\n", "")
                .replace("bad_date: x\n", "near_miss: maybe\n"),
            Path::new("postmortems/a.md"),
            &ParseContext::default(),
        );
        assert!(plain.meta.extra.is_empty() && !plain.problems.is_empty());
        let bytes = encode(&stamp(), Kind::Postmortem, 9, &plain).unwrap();
        let form = bytes[4 + "postmortems/a.md".len() + 1 + FileStamp::BYTES + 8];
        assert_eq!((form, json_form(&bytes)), (POSTCARD, false));
        let (_, _, back, _) = decode(&bytes).unwrap();
        assert_eq!(format!("{back:?}"), format!("{plain:?}"));
    }

    fn json_form(entry: &[u8]) -> bool {
        entry.windows(8).any(|w| w == b"\"title\":")
    }

    #[test]
    fn floats_read_back_exactly_and_a_time_offset_with_seconds_is_not_cached() {
        let text = "---\ntitle: F\ndate: 2024-03-12\nslo_impact: [{slo: api, bad_minutes: 1859.9916666666666, fraction: 0.1}]\n---\n";
        let d = Doc::parse(
            text,
            Path::new("postmortems/f.md"),
            &ParseContext::default(),
        );
        let (_, _, back, _) = decode(&encode(&stamp(), Kind::Postmortem, 9, &d).unwrap()).unwrap();
        assert_eq!(back.meta.slo_impact, d.meta.slo_impact);
        let ctx = ParseContext {
            timezone: "Europe/Amsterdam".parse().unwrap(),
            default_kind: Kind::Postmortem,
        };
        let old = "---\ntitle: O\ndate: 1890-03-01\n---\n\n## Timeline\n\n- 14:02 Detected\n";
        let d = Doc::parse(old, Path::new("postmortems/o.md"), &ctx);
        assert!(d.timeline[0].at.is_some());
        assert!(encode(&stamp(), Kind::Postmortem, 9, &d).is_none());
    }

    #[test]
    fn a_cache_of_another_build_zone_or_with_a_flipped_byte_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let utc = Config::default();
        let paris = Config {
            tz: "Europe/Paris".parse().unwrap(),
            ..Config::default()
        };
        let d = Doc::parse(
            "---\ntitle: A\n---\nBody\n",
            Path::new("postmortems/a.md"),
            &ParseContext::default(),
        );
        let at = HashMap::from([(d.path.clone(), (stamp(), Kind::Postmortem))]);
        let sources = HashMap::from([(d.path.clone(), (Kind::Postmortem, 9))]);
        let save = |raw: &Raw| {
            write(
                dir.path(),
                &utc,
                std::slice::from_ref(&d),
                &at,
                &sources,
                raw,
            )
        };
        save(&Raw::default());
        let (docs, raw) = read(dir.path(), &utc);
        assert_eq!(docs.len(), 1);
        // Written again from what was read: the same file.
        let before = std::fs::read(dir.path().join(".lore").join(FILE)).unwrap();
        save(&raw);
        assert!(raw.entry(&d.path, &stamp(), Kind::Postmortem).is_some());
        assert_eq!(
            std::fs::read(dir.path().join(".lore").join(FILE)).unwrap(),
            before
        );
        assert!(read(dir.path(), &paris).0.is_empty());
        let file = dir.path().join(".lore").join(FILE);
        let mut bytes = std::fs::read(&file).unwrap();
        let n = bytes.len();
        bytes[n - 20] ^= 1;
        std::fs::write(&file, &bytes).unwrap();
        assert!(read(dir.path(), &utc).0.is_empty());
        std::fs::write(&file, &bytes[..n / 2]).unwrap();
        assert!(read(dir.path(), &utc).0.is_empty());
    }
}
