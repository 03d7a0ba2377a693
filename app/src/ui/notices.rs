//! What went wrong, said plainly: a divergence with its one-click way back, and notices.

use leptos::prelude::*;

use crate::i18n::{errors, runs};

use crate::ui::bridge::Bridge;
use crate::ui::state::{Notice, PageState};
use vocab::protocol::{Command, GpuFallback};

#[component]
pub fn DivergenceBanner(
    state: PageState,
    bridge: StoredValue<Bridge, LocalStorage>,
) -> impl IntoView {
    move || {
        let report = state.divergence.get()?;
        let t = state.lang.get().text();
        let body = (t.diverged_body)(
            report.step,
            &report.loss.to_string(),
            &format!("{}", report.learning_rate),
        );
        let good = report.good_steps;
        Some(view! {
            <section class="banner danger" id="divergence" role="alert">
                <h2>{t.diverged_title}</h2>
                <p>{body}</p>
                <button id="rollback" class="primary" on:click=move |_| bridge.with_value(|b| b.send(Command::Rollback))>
                    {(t.rollback)(good)}
                </button>
            </section>
        })
    }
}

#[component]
pub fn Notices(state: PageState) -> impl IntoView {
    move || {
        let lang = state.lang.get();
        let t = lang.text();
        state
            .notices
            .get()
            .into_iter()
            .enumerate()
            .map(|(index, notice)| {
                let (class, text, skipped) = match notice {
                    Notice::GpuFallback(why) => {
                        let why = match why {
                            GpuFallback::NoAdapter => t.no_gpu_adapter.to_string(),
                            GpuFallback::Failed { message } => message,
                        };
                        ("warning", (t.gpu_fallback)(&why), Vec::new())
                    }
                    Notice::WorkerLost(why) => ("warning", (t.worker_lost)(&why), Vec::new()),
                    Notice::Refused(reason) => ("warning", (t.refused)(&errors::refusal(lang, &reason)), Vec::new()),
                    Notice::RolledBack(step) => ("info", (t.rolled_back)(step), Vec::new()),
                    Notice::StartedAgain => ("warning", t.runs.started_again.to_string(), Vec::new()),
                    Notice::TrainedMissing(why) => ("warning", (t.runs.trained_missing)(&why), Vec::new()),
                    Notice::NotKept(why) => ("warning", (t.runs.not_kept)(&runs::storage_error(lang, &why)), Vec::new()),
                    Notice::ImportFailed { reason, skipped } => ("warning", (t.import_failed)(&errors::refusal(lang, &reason)), skipped),
                };
                let details = (!skipped.is_empty()).then(|| {
                    let items = crate::ui::dataset::skipped_items(lang, &skipped);
                    view! {
                        <details><summary>{(t.skipped)(skipped.len())}</summary><ul>{items}</ul></details>
                    }
                });
                view! {
                    <div class=format!("banner {class} notice") role="status">
                        <p>{text}</p>
                        {details}
                        <button class="dismiss" on:click=move |_| state.notices.update(|n| { if index < n.len() { n.remove(index); } })>
                            {t.dismiss}
                        </button>
                    </div>
                }
            })
            .collect_view()
    }
}
