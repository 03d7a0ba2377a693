//! The ViT Playground page: a Leptos program on the browser's main thread that renders what
//! the training worker reports, and sends it the learner's commands.
//!
//! It links no Burn: the worker (`worker/`) trains, and both speak the `vocab` crate's
//! [`Command`](vocab::Command)s and [`Event`](vocab::Event)s. Everything here compiles
//! natively too, so the page's state, texts and drawing maths are tested without a browser.
//!
//! - [`ui`]: the components, and [`ui::state::PageState`], every signal the page holds;
//! - [`i18n`], [`lessons`]: what the page says, in English and French;
//! - [`qk`]: the Q·K playground's arithmetic;
//! - [`format`]: numbers and names as the page writes them.

pub mod format;
pub mod i18n;
pub mod lessons;
pub mod qk;
pub mod ui;
