//! Experiments: fresh runs that differ in one setting, played one after the other to the
//! same update, each kept among the recent runs and seen through the same image at its
//! last update, so the page can set them side by side.

use vocab::protocol::{ArmDone, Command, Event, Outgoing, RunSettings};

use crate::{fits_page, refused, Session};

/// An experiment under way.
pub(crate) struct Experiment {
    arms: Vec<RunSettings>,
    /// The arm playing now.
    arm: usize,
    updates: u64,
}

/// Whether `command` ends an experiment under way: anything that stops the play or changes
/// the run would make the arms differ in more than their one setting.
pub(crate) fn ends_experiment(command: &Command) -> bool {
    !matches!(
        command,
        Command::Play { .. }
            | Command::SetSpeed { .. }
            | Command::Inspect(_)
            | Command::Import { .. }
            | Command::DiscardImport
            | Command::SaveRun { .. }
            | Command::ForgetRun { .. }
    )
}

impl Session {
    /// Checks every arm first (an impossible one is refused before anything starts), then
    /// starts the first.
    pub(crate) async fn run_experiment(
        &mut self,
        arms: Vec<RunSettings>,
        updates: u64,
    ) -> Vec<Outgoing> {
        let mut out = self.pause();
        if arms.is_empty() || updates == 0 {
            return out;
        }
        let classes = self.data.set().classes();
        if let Some(error) = arms.iter().find_map(|arm| fits_page(arm, classes).err()) {
            out.push(refused(error));
            return out;
        }
        self.experiment = Some(Experiment {
            arms,
            arm: 0,
            updates,
        });
        out.extend(self.start_arm().await);
        out
    }

    /// The current arm as a fresh run (the run it replaces is kept), playing at full speed.
    async fn start_arm(&mut self) -> Vec<Outgoing> {
        let Some(experiment) = &self.experiment else {
            return Vec::new();
        };
        let (arm, arms, updates) = (experiment.arm, experiment.arms.len(), experiment.updates);
        let settings = experiment.arms[arm].clone();
        // Between arms the play goes on: no pause is announced.
        self.playing = false;
        let mut out = match self.fresh_run(settings).await {
            Ok(events) => events,
            Err(refusal) => {
                self.experiment = None;
                return vec![Event::Playing { playing: false }.into(), refused(refusal)];
            }
        };
        out.push(Event::ArmStarted { arm, arms, updates }.into());
        self.delay_ms = 0;
        self.playing = true;
        out.push(Event::Playing { playing: true }.into());
        out
    }

    /// After an update while playing: the arm that reached its count is validated, kept and
    /// seen, then the next one starts, or the experiment ends.
    pub(crate) async fn after_update_in_experiment(&mut self) -> Vec<Outgoing> {
        let Some(experiment) = &self.experiment else {
            return Vec::new();
        };
        let (arm, arms, updates) = (experiment.arm, experiment.arms.len(), experiment.updates);
        if self.steps() < updates || !self.playing {
            return Vec::new();
        }
        let mut out = Vec::new();
        out.extend(self.validate().await);
        self.set_aside().await;
        if let Some(done) = self.arm_done(arm, arms).await {
            out.push(Event::ArmDone(Box::new(done)).into());
        }
        if arm + 1 < arms {
            if let Some(experiment) = &mut self.experiment {
                experiment.arm += 1;
            }
            out.extend(self.start_arm().await);
        } else {
            self.experiment = None;
            out.extend(self.pause());
            out.extend(self.probe().await);
        }
        out
    }

    async fn arm_done(&self, arm: usize, arms: usize) -> Option<ArmDone> {
        let run = self.run.as_ref()?;
        let view = self
            .inspector
            .snapshot(&run.trainer, self.data.set())
            .await?;
        Some(ArmDone {
            arm,
            arms,
            settings: run.settings.clone(),
            step: run.trainer.steps(),
            kept: self.kept_as,
            loss: run
                .history
                .losses
                .last()
                .map_or(f32::NAN, |(_, loss)| *loss),
            validation: run.history.validation.last().map(|(_, e)| *e),
            view,
        })
    }
}
