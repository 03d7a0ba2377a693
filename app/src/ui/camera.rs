//! The learner's own faces from the camera: people named and captured in bursts, sent
//! through the same import as a folder of photos; then Live, every frame through the model
//! with who it sees and where CLS looks, on the frame itself. Nothing leaves the page: the
//! frames go to the training worker only.

use std::sync::Arc;

use js_sys::{Array, Uint8Array};
use leptos::html::{Canvas, Video};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, CanvasRenderingContext2d, HtmlCanvasElement, HtmlVideoElement, MediaStream};

use crate::format::percent;
use crate::i18n::Lang;
use crate::ui::bridge::Bridge;
use crate::ui::draw::canvas::{draw_face_shares, draw_frame_shares};
use crate::ui::state::PageState;
use vocab::protocol::{Command, ImportKind, Recognition};
use vocab::SourceFile;

type Link = StoredValue<Bridge, LocalStorage>;

/// The imported set's name: the faces panel shows it as the set in use.
pub const CAMERA_SET: &str = "camera";
/// Seconds counted down before a burst, to get into place.
const COUNTDOWN: usize = 3;
/// Between two images of a burst.
const BURST_INTERVAL_MS: i32 = 100;

/// Why there is no camera, in the learner's language.
#[derive(Clone, Debug, PartialEq)]
enum CameraError {
    Refused,
    Missing,
    Unavailable,
    Failed(String),
}

impl CameraError {
    fn of(error: &JsValue) -> Self {
        let name = error
            .dyn_ref::<web_sys::DomException>()
            .map(|e| e.name())
            .unwrap_or_else(|| format!("{error:?}"));
        match name.as_str() {
            "NotAllowedError" | "SecurityError" => CameraError::Refused,
            "NotFoundError" | "OverconstrainedError" => CameraError::Missing,
            _ => CameraError::Failed(name),
        }
    }

    fn text(&self, lang: Lang) -> String {
        let t = lang.text().camera;
        match self {
            CameraError::Refused => t.refused.into(),
            CameraError::Missing => t.missing.into(),
            CameraError::Unavailable => t.unavailable.into(),
            CameraError::Failed(why) => (t.failed)(why),
        }
    }
}

/// One captured image: the centre square as a PPM file (what the import reads) and a small
/// picture of it for the list.
#[derive(Clone, Debug, PartialEq)]
struct Shot {
    id: u64,
    ppm: Arc<[u8]>,
    thumbnail: String,
}

#[derive(Clone, Copy)]
struct Person {
    id: u64,
    name: RwSignal<String>,
    shots: RwSignal<Vec<Shot>>,
}

impl Person {
    fn new(id: u64, lang: Lang, number: usize) -> Self {
        Self {
            id,
            name: RwSignal::new((lang.text().camera.default_name)(number)),
            shots: RwSignal::new(Vec::new()),
        }
    }
}

/// The centre square of the video's current frame, at the camera's own resolution (the
/// import does the rest): `side × side` RGBA bytes.
fn grab(video: &HtmlVideoElement, scratch: &HtmlCanvasElement) -> Option<(Vec<u8>, u32)> {
    let (width, height) = (video.video_width(), video.video_height());
    let side = width.min(height);
    if side == 0 {
        return None;
    }
    let context = context(scratch, side)?;
    let (x, y) = ((width - side) / 2, (height - side) / 2);
    context
        .draw_image_with_html_video_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
            video,
            x as f64,
            y as f64,
            side as f64,
            side as f64,
            0.0,
            0.0,
            side as f64,
            side as f64,
        )
        .ok()?;
    let data = context
        .get_image_data(0.0, 0.0, side as f64, side as f64)
        .ok()?;
    Some((data.data().0, side))
}

fn context(canvas: &HtmlCanvasElement, side: u32) -> Option<CanvasRenderingContext2d> {
    if canvas.width() != side || canvas.height() != side {
        canvas.set_width(side);
        canvas.set_height(side);
    }
    canvas.get_context("2d").ok()??.dyn_into().ok()
}

/// RGBA as a binary PPM file (P6): a format the import reads, made without an encoder.
fn ppm(rgba: &[u8], side: u32) -> Vec<u8> {
    let mut out = format!("P6\n{side} {side}\n255\n").into_bytes();
    out.extend(rgba.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]));
    out
}

/// A small picture of the scratch canvas, for the list of shots.
fn thumbnail(scratch: &HtmlCanvasElement, small: &HtmlCanvasElement) -> String {
    let Some(context) = context(small, 64) else {
        return String::new();
    };
    let _ =
        context.draw_image_with_html_canvas_element_and_dw_and_dh(scratch, 0.0, 0.0, 64.0, 64.0);
    small
        .to_data_url_with_type("image/jpeg")
        .unwrap_or_default()
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

async fn open_camera(video: HtmlVideoElement) -> Result<MediaStream, CameraError> {
    let devices = web_sys::window()
        .and_then(|w| w.navigator().media_devices().ok())
        .ok_or(CameraError::Unavailable)?;
    let constraints = web_sys::MediaStreamConstraints::new();
    constraints.set_video(&JsValue::TRUE);
    constraints.set_audio(&JsValue::FALSE);
    let promise = devices
        .get_user_media_with_constraints(&constraints)
        .map_err(|e| CameraError::of(&e))?;
    let stream: MediaStream = JsFuture::from(promise)
        .await
        .map_err(|e| CameraError::of(&e))?
        .dyn_into()
        .map_err(|e| CameraError::of(&e))?;
    video.set_src_object(Some(&stream));
    if let Ok(playing) = video.play() {
        let _ = JsFuture::from(playing).await;
    }
    Ok(stream)
}

fn stop_camera(stream: Option<MediaStream>) {
    if let Some(stream) = stream {
        for track in stream.get_tracks().iter() {
            if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                track.stop();
            }
        }
    }
}

/// Person names as folder names: no slash, none empty, none twice.
fn folder_names(names: &[String], lang: Lang) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let clean: String = name.trim().replace(['/', '\\'], "-");
        let base = if clean.is_empty() {
            (lang.text().camera.default_name)(i + 1)
        } else {
            clean
        };
        let mut unique = base.clone();
        let mut n = 2;
        while out.contains(&unique) {
            unique = format!("{base} ({n})");
            n += 1;
        }
        out.push(unique);
    }
    out
}

#[component]
pub fn CameraPanel(state: PageState, bridge: Link) -> impl IntoView {
    let t = move || state.lang.get().text().camera;
    let video = NodeRef::<Video>::new();
    let stream = StoredValue::new_local(None::<MediaStream>);
    let on = RwSignal::new(false);
    let error = RwSignal::new(None::<CameraError>);
    let next_id = StoredValue::new(1u64);
    let fresh_id = move || {
        let id = next_id.get_value();
        next_id.set_value(id + 1);
        id
    };
    let lang = state.lang.get_untracked();
    let people = RwSignal::new(vec![Person::new(0, lang, 1)]);
    let burst = RwSignal::new(20usize);
    let countdown = RwSignal::new(None::<usize>);
    let capturing = RwSignal::new(false);
    let sent = RwSignal::new(false);
    let scratch = StoredValue::new_local(
        document()
            .create_element("canvas")
            .ok()
            .and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok()),
    );
    let small = StoredValue::new_local(
        document()
            .create_element("canvas")
            .ok()
            .and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok()),
    );

    let start = move |_| {
        error.set(None);
        let Some(element) = video.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            match open_camera(element).await {
                Ok(opened) => {
                    stream.set_value(Some(opened));
                    on.set(true);
                }
                Err(why) => error.set(Some(why)),
            }
        });
    };
    let live = RwSignal::new(false);
    let stop = move |_| {
        live.set(false);
        stop_camera(stream.try_update_value(Option::take).flatten());
        on.set(false);
    };
    on_cleanup(move || stop_camera(stream.try_update_value(Option::take).flatten()));

    let capture = move |person: Person| {
        let count = burst.get_untracked().max(1);
        capturing.set(true);
        leptos::task::spawn_local(async move {
            for left in (1..=COUNTDOWN).rev() {
                countdown.set(Some(left));
                sleep(1000).await;
            }
            countdown.set(None);
            for _ in 0..count {
                let shot = video.get_untracked().and_then(|v| {
                    let (scratch, small) = (scratch.get_value()?, small.get_value()?);
                    let (rgba, side) = grab(&v, &scratch)?;
                    Some(Shot {
                        id: fresh_id(),
                        ppm: Arc::from(ppm(&rgba, side)),
                        thumbnail: thumbnail(&scratch, &small),
                    })
                });
                if let Some(shot) = shot {
                    person.shots.update(|s| s.push(shot));
                }
                sleep(BURST_INTERVAL_MS).await;
            }
            capturing.set(false);
        });
    };
    let ready_to_train = move || {
        let people = people.get();
        people.len() >= 2 && people.iter().all(|p| p.shots.with(|s| s.len() >= 2))
    };
    let train = move |_| {
        let lang = state.lang.get_untracked();
        let everyone = people.get_untracked();
        let names: Vec<String> = everyone.iter().map(|p| p.name.get_untracked()).collect();
        let folders = folder_names(&names, lang);
        let blobs = Array::new();
        let mut files = Vec::new();
        for (person, folder) in everyone.iter().zip(&folders) {
            for (i, shot) in person.shots.get_untracked().iter().enumerate() {
                let parts = Array::of1(&Uint8Array::from(&shot.ppm[..]));
                if let Ok(blob) = Blob::new_with_u8_array_sequence(&parts) {
                    blobs.push(&blob);
                    files.push(SourceFile {
                        path: format!("{folder}/{:03}.ppm", i + 1),
                        bytes: Vec::new(),
                    });
                }
            }
        }
        state.importing.set(true);
        sent.set(true);
        bridge.with_value(|b| {
            b.send_files(
                Command::Import {
                    kind: ImportKind::Folder,
                    name: CAMERA_SET.into(),
                    files,
                },
                blobs,
            )
        });
    };

    let person_row = move |person: Person| {
        let remove = move |_| people.update(|all| all.retain(|p| p.id != person.id));
        let shots = move || {
            person
                .shots
                .get()
                .into_iter()
                .map(|shot| {
                    let id = shot.id;
                    let delete = move |_| person.shots.update(|s| s.retain(|x| x.id != id));
                    view! {
                        <li class="shot">
                            <img src=shot.thumbnail alt="" width="48" height="48" />
                            <button class="small delete-shot" title=move || t().delete_shot
                                aria-label=move || t().delete_shot on:click=delete>"×"</button>
                        </li>
                    }
                })
                .collect_view()
        };
        view! {
            <li class="camera-person" data-shots=move || person.shots.with(Vec::len)>
                <div class="camera-person-head">
                    <label>{move || t().person}
                        <input type="text" class="person-name" prop:value=move || person.name.get()
                            on:change=move |ev| person.name.set(event_target_value(&ev)) />
                    </label>
                    <button class="small capture" disabled=move || !on.get() || capturing.get()
                        on:click=move |_| capture(person)>
                        {move || (t().capture)(burst.get())}
                    </button>
                    <span class="note">{move || (t().shots)(person.shots.with(Vec::len))}</span>
                    <button class="small remove-person" disabled=move || people.with(|p| p.len() <= 1)
                        on:click=remove>{move || t().remove_person}</button>
                </div>
                <ul class="shots">{shots}</ul>
            </li>
        }
    };

    view! {
        <p class="note">{move || t().nothing_leaves}</p>
        <div class="buttons">
            <button id="camera-start" class="primary" class:hidden=move || on.get() on:click=start>{move || t().start}</button>
            <button id="camera-stop" class:hidden=move || !on.get() on:click=stop>{move || t().stop}</button>
        </div>
        {move || error.get().map(|why| view! {
            <p class="error" id="camera-error" role="alert">{why.text(state.lang.get())}</p>
        })}
        <div class="camera-view" class:hidden=move || !on.get()>
            <div class="camera-frame">
                <video node_ref=video autoplay=true muted=true playsinline=true></video>
                <div class="guide" aria-hidden="true"></div>
                {move || countdown.get().map(|n| view! { <div class="countdown" id="countdown">{n}</div> })}
            </div>
            <p class="note">{move || t().guide}</p>
        </div>
        <div class="fields">
            <label>{move || t().burst_size}
                <input id="burst-size" type="number" min="1" max="100" step="1"
                    prop:value=move || burst.get().to_string()
                    on:change=move |ev| {
                        if let Ok(n) = event_target_value(&ev).trim().parse::<usize>() {
                            burst.set(n.clamp(1, 100));
                        }
                    } />
            </label>
        </div>
        <ul class="camera-people" id="camera-people">
            <For each=move || people.get() key=|p| p.id children=person_row />
        </ul>
        <div class="buttons">
            <button id="add-person" on:click=move |_| {
                let lang = state.lang.get_untracked();
                let number = people.with_untracked(Vec::len) + 1;
                let person = Person::new(fresh_id(), lang, number);
                people.update(|p| p.push(person));
            }>{move || t().add_person}</button>
            <button id="camera-train" class="primary" disabled=move || !ready_to_train() || capturing.get()
                on:click=train>{move || t().train}</button>
        </div>
        <p class="note">{move || if ready_to_train() { None } else { Some(t().train_needs) }}</p>
        <p class="note" id="camera-sent">{move || sent.get().then(|| t().sent)}</p>
        <Live state bridge video on live />
    }
}

/// Every frame through the model, one at a time, at the page's own pace.
/// A refused frame, or one sent to a worker since replaced, is never answered: after this
/// long without an answer, Live sends the next frame anyway.
const LOST_FRAME_MS: f64 = 10_000.0;

#[component]
fn Live(
    state: PageState,
    bridge: Link,
    video: NodeRef<Video>,
    on: RwSignal<bool>,
    live: RwSignal<bool>,
) -> impl IntoView {
    let t = move || state.lang.get().text().camera;
    let scratch = StoredValue::new_local(
        document()
            .create_element("canvas")
            .ok()
            .and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok()),
    );
    // The frame sent and not yet answered, drawn under its answer.
    let sent = StoredValue::new_local(None::<(Vec<u8>, u32)>);
    // The frame of the latest answer, to draw that answer again (head or rollout).
    let shown = StoredValue::new_local(None::<(Vec<u8>, u32)>);
    // When the frame in the model was sent: one frame at a time (see `LOST_FRAME_MS`).
    let waiting = StoredValue::new(None::<f64>);
    let busy = move || {
        waiting
            .get_value()
            .is_some_and(|sent| crate::ui::draw::frame::now() - sent < LOST_FRAME_MS)
    };
    // Frames answered, Live after Live (the page test counts them).
    let answered = RwSignal::new(0u64);
    // Far out of view, Live sends no frame (the worker would compute for nobody); it goes on
    // when the panel comes back.
    let live_box = NodeRef::<leptos::html::Div>::new();
    let in_view = crate::ui::sight::near_view(live_box);
    let times = StoredValue::new(Vec::<f64>::new());
    let rollout = RwSignal::new(false);
    let overlay = NodeRef::<Canvas>::new();
    let seen_canvas = NodeRef::<Canvas>::new();
    // Bumped to try again when the camera had no frame yet.
    let retry = RwSignal::new(0u32);
    let send_frame = move || {
        if !live.get_untracked() || busy() || !in_view.get_untracked() {
            return;
        }
        let frame = video
            .get_untracked()
            .zip(scratch.get_value())
            .and_then(|(v, s)| grab(&v, &s));
        let Some((rgba, side)) = frame else {
            set_timeout(
                move || retry.update(|n| *n += 1),
                std::time::Duration::from_millis(100),
            );
            return;
        };
        let beside: JsValue = Uint8Array::from(&rgba[..]).into();
        sent.set_value(Some((rgba, side)));
        waiting.set_value(Some(crate::ui::draw::frame::now()));
        bridge.with_value(|b| {
            b.send_with(
                Command::Recognise {
                    width: side,
                    height: side,
                    rgba: Vec::new(),
                },
                beside,
            )
        });
    };
    Effect::new(move |_| {
        retry.track();
        send_frame();
    });
    // Back in view: the frame rate starts again from this frame.
    Effect::new(move |_| {
        if in_view.get() && live.get_untracked() && !busy() {
            times.set_value(Vec::new());
            send_frame();
        }
    });
    let frames_per_second = move || {
        let lang = state.lang.get();
        state.recognition.track();
        let times = times.get_value();
        (times.len() >= 2).then(|| {
            let span = times[times.len() - 1] - times[0];
            let fps = (times.len() - 1) as f64 * 1000.0 / span.max(1.0);
            (lang.text().camera.rate)(&crate::format::decimal(lang, fps, 1))
        })
    };
    let draw = move |answer: &Recognition| {
        let shares = if rollout.get_untracked() {
            &answer.rollout
        } else {
            &answer.head
        };
        if let Some(canvas) = overlay.get_untracked() {
            shown.with_value(|frame| {
                if let Some((rgba, side)) = frame {
                    draw_frame_shares(&canvas, (rgba, *side as usize), answer.grid, shares);
                }
            });
        }
        if let Some(canvas) = seen_canvas.get_untracked() {
            draw_face_shares(&canvas, (&answer.seen, answer.size), answer.grid, &[], None);
        }
    };
    // Each answer: drawn on its frame, then the next frame.
    Effect::new(move |_| {
        let Some(answer) = state.recognition.get() else {
            return;
        };
        waiting.set_value(None);
        answered.update(|n| *n += 1);
        times.update_value(|t| {
            t.push(crate::ui::draw::frame::now());
            if t.len() > 11 {
                t.remove(0);
            }
        });
        sent.update_value(|frame| shown.set_value(frame.take()));
        draw(&answer);
        if live.get_untracked() {
            request_animation_frame(send_frame);
        }
    });
    // Head or rollout: the latest answer drawn again, nothing sent.
    Effect::new(move |first: Option<()>| {
        rollout.track();
        if first.is_some() {
            if let Some(answer) = state.recognition.get_untracked() {
                draw(&answer);
            }
        }
    });
    // Play (or a Step) means training again: Live stops rather than pausing it at once.
    Effect::new(move |_| {
        if (state.playing.get() || state.steps_in_flight.get() > 0) && live.get_untracked() {
            live.set(false);
        }
    });
    let toggle = move |_| {
        let now = !live.get_untracked();
        live.set(now);
        times.set_value(Vec::new());
        if now {
            if state.playing.get_untracked() {
                bridge.with_value(|b| b.send(Command::Pause));
            }
            send_frame();
        }
    };
    let guesses = move || {
        let lang = state.lang.get();
        let seen = state.recognition.get()?;
        let names = state.dataset.with(|d| {
            seen.top
                .iter()
                .map(|(person, _)| {
                    d.as_ref()
                        .map_or("?".to_string(), |d| d.person(*person).to_string())
                })
                .collect::<Vec<_>>()
        });
        Some(
            seen.top
                .iter()
                .zip(names)
                .enumerate()
                .map(|(rank, ((person, p), name))| {
                    let text =
                        (lang.text().camera.guess)(rank + 1, &name, &percent(lang, *p as f64, 1));
                    view! { <li data-person=*person>{text}</li> }
                })
                .collect_view(),
        )
    };
    let caption = move || {
        let t = t();
        if rollout.get() {
            t.overlay_rollout.to_string()
        } else {
            state.recognition.with(|r| {
                r.as_ref().map_or(String::new(), |r| {
                    (t.overlay_head)(r.target.block + 1, r.target.head + 1)
                })
            })
        }
    };
    let shares_json = move || {
        state.recognition.with(|r| {
            r.as_ref().map(|r| {
                let shares = if rollout.get() { &r.rollout } else { &r.head };
                serde_json::to_string(shares).unwrap_or_default()
            })
        })
    };
    view! {
        <div class="live" node_ref=live_box class:hidden=move || !on.get()>
            <div class="buttons">
                <button id="live" aria-pressed=move || live.get().to_string()
                    disabled=move || state.run.with(Option::is_none) on:click=toggle>
                    {move || if live.get() { t().live_stop } else { t().live }}
                </button>
                <span class="note">{move || t().live_help}</span>
            </div>
            <div class="live-views" class:hidden=move || state.recognition.with(Option::is_none)>
                <figure>
                    <canvas node_ref=overlay id="live-overlay" class="view" width="300" height="300"
                        role="img" aria-label=caption data-shares=shares_json
                        data-frames=move || answered.get()></canvas>
                    <figcaption>{caption}</figcaption>
                    <div class="face-mode" role="group">
                        <button class="small" class:chosen=move || !rollout.get()
                            aria-pressed=move || (!rollout.get()).to_string()
                            on:click=move |_| rollout.set(false)>{move || state.lang.get().text().this_head}</button>
                        <button class="small" id="live-rollout" class:chosen=move || rollout.get()
                            aria-pressed=move || rollout.get().to_string()
                            on:click=move |_| rollout.set(true)>{move || state.lang.get().text().rollout}</button>
                    </div>
                </figure>
                <figure>
                    <canvas node_ref=seen_canvas id="live-seen" class="view small-view" width="300" height="300"
                        role="img" aria-label=move || t().seen></canvas>
                    <figcaption>{move || t().seen}</figcaption>
                </figure>
                <div>
                    <ul class="live-top" id="live-top">{guesses}</ul>
                    <p class="note" id="live-fps">{frames_per_second}</p>
                </div>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captured_images_are_files_the_import_reads() {
        let rgba: Vec<u8> = (0..4 * 4 * 4).map(|i| i as u8).collect();
        let file = ppm(&rgba, 4);
        assert!(file.starts_with(b"P6\n4 4\n255\n"));
        assert_eq!(file.len(), 11 + 4 * 4 * 3);
        assert_eq!(&file[11..14], &[0, 1, 2], "alpha dropped");
    }

    #[test]
    fn people_become_distinct_folder_names() {
        let names = ["Ana".to_string(), " ".into(), "Ana".into(), "a/b".into()];
        assert_eq!(
            folder_names(&names, Lang::En),
            ["Ana", "Person 2", "Ana (2)", "a-b"]
        );
    }
}
