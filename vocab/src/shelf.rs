//! The recent runs the browser keeps: each one a run file of its own, and a small index
//! of what the page lists (preset, faces, updates, last loss, accuracy, coarse curves) so the
//! list and the comparison chart need no file opened.
//!
//! Nothing here touches storage: the session decides what to keep and what to let go, the
//! worker writes and removes the files it is told to.

use serde::{Deserialize, Serialize};

use crate::history::coarse;
use crate::protocol::{RunHistory, RunSettings};

/// What the recent runs may take of the browser's storage, all files together. The page
/// states it; past it, the oldest runs go first (never the open one).
pub const SHELF_BUDGET_BYTES: u64 = 64_000_000;

/// Points kept of a run's loss curve for the list's thumbnail and the comparison chart
/// (each of as many buckets keeps its lowest and highest loss, so spikes stay visible).
pub const CURVE_BUCKETS: usize = 150;

/// The index's own file.
pub const INDEX_FILE: &str = "runs.json";

/// Where the single kept run lived before there was a list: read once, then let go.
pub const LEGACY_AUTOSAVE_FILE: &str = "autosave.vitp";

/// The storage file of the run kept as `id`.
pub fn run_file_name(id: u64) -> String {
    format!("run-{id}.{}", crate::run_file::RUN_FILE_EXTENSION)
}

/// A run's curves as the list and the comparison chart draw them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RunCurves {
    /// (update, batch loss), coarsened to [`CURVE_BUCKETS`] buckets.
    pub losses: Vec<(u64, f32)>,
    /// (update, validation loss), every validation.
    pub validation_losses: Vec<(u64, f32)>,
    /// (update, validation accuracy in 0..=1), every validation.
    pub accuracy: Vec<(u64, f32)>,
}

impl RunCurves {
    pub fn of(history: &RunHistory) -> Self {
        Self {
            losses: coarse(&history.losses, CURVE_BUCKETS),
            validation_losses: history
                .validation
                .iter()
                .map(|(s, e)| (*s, e.loss))
                .collect(),
            accuracy: history
                .validation
                .iter()
                .map(|(s, e)| (*s, e.accuracy))
                .collect(),
        }
    }
}

/// One kept run, as the list shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeptRun {
    pub id: u64,
    pub settings: RunSettings,
    /// The imported face set's name; `None` for the built-in synthetic faces.
    pub faces: Option<String>,
    /// People in the face set.
    pub people: usize,
    /// Updates done when it was last kept.
    pub steps: u64,
    /// The loss of its last update.
    pub last_loss: Option<f32>,
    /// The size of its file.
    pub bytes: u64,
    pub curves: RunCurves,
}

impl KeptRun {
    /// Validation accuracy after its latest validation, with that validation's update.
    pub fn accuracy(&self) -> Option<(u64, f32)> {
        self.curves.accuracy.last().copied()
    }
}

/// The recent runs, oldest first, and which one is open in the page.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Shelf {
    pub runs: Vec<KeptRun>,
    /// The run the page had open when last kept: the one a reload reopens. `None` after a
    /// fresh run replaced it and before that one was kept.
    pub open: Option<u64>,
    /// The id the next kept run gets (ids are never reused, so a file is never mistaken
    /// for another run's).
    pub next_id: u64,
}

impl Shelf {
    /// The index as written; an index that cannot be read is an empty shelf (its files
    /// are then unknown and never listed, which loses nothing the learner can see).
    pub fn from_json(bytes: &[u8]) -> Shelf {
        serde_json::from_slice(bytes).unwrap_or_default()
    }

    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a shelf is plain data")
    }

    pub fn get(&self, id: u64) -> Option<&KeptRun> {
        self.runs.iter().find(|run| run.id == id)
    }

    /// A new id for a run about to be kept for the first time.
    pub fn new_id(&mut self) -> u64 {
        let id = self
            .next_id
            .max(self.runs.iter().map(|r| r.id + 1).max().unwrap_or(0));
        self.next_id = id + 1;
        id
    }

    /// Bytes the kept files take together.
    pub fn used_bytes(&self) -> u64 {
        self.runs.iter().map(|run| run.bytes).sum()
    }

    /// Keeps `run` as the newest and open one (replacing its older copy), then lets the
    /// oldest others go until all fit [`SHELF_BUDGET_BYTES`]. Returns the ids let go.
    pub fn put(&mut self, run: KeptRun) -> Vec<u64> {
        let id = run.id;
        self.runs.retain(|kept| kept.id != id);
        self.runs.push(run);
        self.open = Some(id);
        let mut gone = Vec::new();
        while self.used_bytes() > SHELF_BUDGET_BYTES {
            let Some(oldest) = self.runs.iter().position(|kept| kept.id != id) else {
                break;
            };
            gone.push(self.runs.remove(oldest).id);
        }
        gone
    }

    /// Lets one run go; the open one cannot be.
    pub fn forget(&mut self, id: u64) -> bool {
        if self.open == Some(id) {
            return false;
        }
        let before = self.runs.len();
        self.runs.retain(|kept| kept.id != id);
        self.runs.len() < before
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(id: u64, megabytes: u64) -> KeptRun {
        KeptRun {
            id,
            settings: RunSettings::default(),
            faces: None,
            people: 40,
            steps: 10,
            last_loss: Some(1.0),
            bytes: megabytes * 1_000_000,
            curves: RunCurves::default(),
        }
    }

    #[test]
    fn past_the_budget_the_oldest_go_first_and_never_the_open_one() {
        let mut shelf = Shelf::default();
        for id in 0..3 {
            assert!(shelf.put(run(id, 20)).is_empty());
        }
        // A fourth run of 20 MB makes 80 MB: the oldest (0) goes.
        assert_eq!(shelf.put(run(3, 20)), vec![0]);
        assert_eq!(shelf.open, Some(3));
        // Run 1 saved again is the newest: 2 is now the oldest.
        assert_eq!(shelf.put(run(1, 20)), Vec::<u64>::new());
        assert_eq!(shelf.put(run(4, 30)), vec![2, 3]);
        let ids: Vec<u64> = shelf.runs.iter().map(|r| r.id).collect();
        assert_eq!(ids, vec![1, 4]);
        // An open run larger than the budget stays, alone.
        assert_eq!(shelf.put(run(5, 100)), vec![1, 4]);
        assert_eq!(shelf.runs.len(), 1);
    }

    #[test]
    fn the_open_run_cannot_be_forgotten_and_ids_are_never_reused() {
        let mut shelf = Shelf::default();
        let a = shelf.new_id();
        shelf.put(run(a, 1));
        let b = shelf.new_id();
        shelf.put(run(b, 1));
        assert!(!shelf.forget(b));
        assert!(shelf.forget(a));
        assert!(!shelf.forget(a));
        assert_ne!(shelf.new_id(), a);
        let again = Shelf::from_json(&shelf.to_json());
        assert_eq!(again, shelf);
        assert_eq!(Shelf::from_json(b"not json"), Shelf::default());
    }
}
