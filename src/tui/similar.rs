//! Similar past incidents for the side panel, from a thread of their own:
//! it builds the similarity index (`lore::similar`) once per version of the
//! KB and answers for the documents the user opens, so neither start-up nor
//! the UI thread pays for the whole KB.

use crate::kb::Kb;
use crate::similar::{Similar, Similarity};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

/// How many similar incidents the side panel lists.
pub const COUNT: usize = 5;

enum Msg {
    Kb(Arc<Kb>),
    Ask(String),
}

/// The handle the event loop keeps.
pub struct Worker {
    tx: Sender<Msg>,
    /// (document id, its similar incidents).
    pub results: Receiver<(String, Vec<Similar>)>,
}

impl Worker {
    pub fn start() -> Worker {
        let (tx, rx) = channel::<Msg>();
        let (rtx, results) = channel();
        std::thread::spawn(move || {
            // Wait for the first KB; questions before it cannot be answered.
            let mut kb = loop {
                match rx.recv() {
                    Ok(Msg::Kb(kb)) => break kb,
                    Ok(Msg::Ask(_)) => continue,
                    Err(_) => return,
                }
            };
            loop {
                let sim = Similarity::new(&kb);
                let next = loop {
                    match rx.recv() {
                        Ok(Msg::Ask(id)) => {
                            let found = kb
                                .get(&id)
                                .map(|d| sim.similar_to(d, COUNT))
                                .unwrap_or_default();
                            if rtx.send((id, found)).is_err() {
                                return;
                            }
                        }
                        Ok(Msg::Kb(newer)) => break newer,
                        Err(_) => return,
                    }
                };
                drop(sim);
                kb = next;
            }
        });
        Worker { tx, results }
    }

    /// A new version of the KB (after loading or a write).
    pub fn set_kb(&self, kb: Arc<Kb>) {
        let _ = self.tx.send(Msg::Kb(kb));
    }

    pub fn ask(&self, id: String) {
        let _ = self.tx.send(Msg::Ask(id));
    }
}

/// All answers at once, for tests.
#[cfg(test)]
pub fn all(kb: &Kb) -> std::collections::HashMap<String, Vec<Similar>> {
    Similarity::new(kb).all(COUNT)
}
