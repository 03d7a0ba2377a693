//! `vitp` as a user runs it: the replay dump, a pack import, a short training run.

use std::process::Command;

use serde_json::Value;

fn vitp(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vitp"))
        .args(args)
        .output()
        .expect("vitp runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn shape(value: &Value) -> Vec<usize> {
    value["shape"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_u64().unwrap() as usize)
        .collect()
}

#[test]
fn step_dump_parses_back_with_the_config_shapes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.json");
    let (ok, stdout, stderr) = vitp(&[
        "step",
        "--preset",
        "tiny",
        "--seed",
        "7",
        "--batch",
        "8",
        "--dump",
        path.to_str().unwrap(),
    ]);
    assert!(ok, "{stdout}{stderr}");
    let dump: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();

    let config = &dump["config"];
    let (width, patch, image, classes, depth) = (
        config["width"].as_u64().unwrap() as usize,
        config["patch_size"].as_u64().unwrap() as usize,
        config["image_size"].as_u64().unwrap() as usize,
        config["classes"].as_u64().unwrap() as usize,
        config["depth"].as_u64().unwrap() as usize,
    );
    assert_eq!(
        (width, patch, image, depth, config["seed"].as_u64()),
        (32, 8, 32, 2, Some(7))
    );
    assert_eq!(dump["convention"], "y = x · W + b");

    let params = dump["params"].as_object().unwrap();
    let tokens = 1 + (image / patch).pow(2);
    assert_eq!(shape(&params["patch_embed.weight"]), [patch * patch, width]);
    assert_eq!(shape(&params["cls_token"]), [width]);
    assert_eq!(shape(&params["pos_embed"]), [tokens, width]);
    assert_eq!(shape(&params["head.weight"]), [width, classes]);
    for i in 0..depth {
        for name in ["wq", "wk", "wv", "wo"] {
            assert_eq!(
                shape(&params[&format!("blocks.{i}.attn.{name}.weight")]),
                [width, width]
            );
            assert_eq!(
                shape(&params[&format!("blocks.{i}.attn.{name}.bias")]),
                [width]
            );
        }
        assert_eq!(
            shape(&params[&format!("blocks.{i}.mlp.fc1.weight")]),
            [width, 64]
        );
        assert_eq!(shape(&params[&format!("blocks.{i}.norm1.gamma")]), [width]);
    }
    for (name, tensor) in params {
        let len: usize = shape(tensor).iter().product();
        assert_eq!(tensor["values"].as_array().unwrap().len(), len, "{name}");
    }

    let images = &dump["batch"]["images"];
    assert_eq!(shape(images), [8, 1, image, image]);
    assert_eq!(
        images["values"].as_array().unwrap().len(),
        8 * image * image
    );
    assert_eq!(dump["batch"]["labels"].as_array().unwrap().len(), 8);

    let report = &dump["report"];
    let loss = report["loss"].as_f64().unwrap();
    assert!(loss.is_finite() && loss > 0.0);
    assert_eq!(report["step"], 1);
    let grads = report["grads"].as_object().unwrap();
    assert_eq!(grads.len(), 4 * depth);
    assert_eq!(shape(&grads["blocks.1.attn.wv.weight"]), [width, width]);

    // The same command gives the same dump.
    let again = dir.path().join("again.json");
    assert!(
        vitp(&[
            "step",
            "--preset",
            "tiny",
            "--seed",
            "7",
            "--batch",
            "8",
            "--dump",
            again.to_str().unwrap()
        ])
        .0
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        std::fs::read(&again).unwrap()
    );
}

#[test]
fn faces_import_writes_a_pack_that_trains() {
    let dir = tempfile::tempdir().unwrap();
    // A small folder of people, written by the synthetic generator through a pack round trip.
    let set = faces::generate(&faces::SyntheticConfig {
        identities: 3,
        images_per_identity: 4,
        ..Default::default()
    });
    for person in 0..3 {
        let folder = dir.path().join("people").join(format!("p{person}"));
        std::fs::create_dir_all(&folder).unwrap();
        for (n, index) in set.train.images_of(person).enumerate() {
            let image =
                image::GrayImage::from_raw(32, 32, set.train.pixels(index).to_vec()).unwrap();
            image.save(folder.join(format!("{n}.png"))).unwrap();
        }
    }
    std::fs::write(dir.path().join("people/p0/readme.txt"), "hello").unwrap();
    let pack = dir.path().join("people.pack");
    let (ok, stdout, stderr) = vitp(&[
        "faces",
        "import",
        dir.path().join("people").to_str().unwrap(),
        "--size",
        "32",
        "--out",
        pack.to_str().unwrap(),
    ]);
    assert!(ok, "{stdout}{stderr}");
    assert!(
        stderr.contains("p0/readme.txt"),
        "the skipped file is reported: {stderr}"
    );
    assert!(stdout.contains("3 people"), "{stdout}");
    let loaded = faces::read_pack(&std::fs::read(&pack).unwrap()).unwrap();
    assert_eq!(loaded.classes(), 3);

    let (ok, stdout, stderr) = vitp(&[
        "train",
        "--data",
        pack.to_str().unwrap(),
        "--epochs",
        "2",
        "--batch",
        "4",
    ]);
    assert!(ok, "{stdout}{stderr}");
    assert!(stdout.contains("validation accuracy"), "{stdout}");

    let (ok, _, stderr) = vitp(&[
        "train",
        "--data",
        dir.path().join("missing.pack").to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(stderr.contains("cannot read"), "{stderr}");
}

/// The last line `vitp train` prints: "validation accuracy …; last batch loss …".
fn last_batch_loss(stdout: &str) -> String {
    let line = stdout
        .lines()
        .find(|l| l.contains("last batch loss"))
        .unwrap();
    line.split("last batch loss ")
        .nth(1)
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn train_save_then_resume_equals_one_run_and_the_file_exports_and_describes_itself() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let common = [
        "train", "--preset", "tiny", "--seed", "2", "--flip", "--shift", "2",
    ];
    let (ok, straight, err) = vitp(&[&common[..], &["--epochs", "4"]].concat());
    assert!(ok, "{err}");
    let (ok, _, err) = vitp(
        &[
            &common[..],
            &["--epochs", "2", "--save", &path("half.vitp")],
        ]
        .concat(),
    );
    assert!(ok, "{err}");
    let (ok, resumed, err) = vitp(&[
        "train",
        "--resume",
        &path("half.vitp"),
        "--epochs",
        "2",
        "--save",
        &path("whole.vitp"),
    ]);
    assert!(ok, "{err}");
    assert!(err.contains("carrying on from update 26"), "{err}");
    // Bit for bit on the CPU: the same last loss, the same validation accuracy.
    assert_eq!(last_batch_loss(&resumed), last_batch_loss(&straight));
    assert_eq!(
        resumed.split(';').next(),
        straight.split(';').next(),
        "validation differs"
    );

    let (ok, info, err) = vitp(&["info", &path("whole.vitp")]);
    assert!(ok, "{err}");
    assert!(info.contains("updates       52"), "{info}");
    assert!(info.contains("opens as tiny with adam"), "{info}");
    assert!(info.contains("state kept"), "{info}");

    let (ok, _, err) = vitp(&[
        "export",
        &path("whole.vitp"),
        "--safetensors",
        &path("w.safetensors"),
    ]);
    assert!(ok, "{err}");
    let bytes = std::fs::read(path("w.safetensors")).unwrap();
    let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header: Value = serde_json::from_slice(&bytes[8..8 + header_len]).unwrap();
    assert_eq!(shape(&header["blocks.0.attn.wq.weight"]), [32, 32]);
    assert!(header.get("optimizer").is_none() && header.get("faces").is_none());

    // A file that is not a run is refused with its reason.
    std::fs::write(path("junk.vitp"), b"hello").unwrap();
    let (ok, _, err) = vitp(&["train", "--resume", &path("junk.vitp"), "--epochs", "1"]);
    assert!(
        !ok && err.contains("not a ViT Playground run file"),
        "{err}"
    );
}
