//! The TypeScript package as its users get it. The runtimes' JavaScript and declarations are what
//! `tsc` makes of their TypeScript; the package, packed by npm and installed under a
//! `node_modules`, runs in plain node, type-checks under NodeNext and Bundler resolution with and
//! without the DOM library, and builds into a Vite app; an esbuild bundle of an app that calls one
//! operation keeps that operation's validators only; the Standard Schemas work with
//! react-hook-form's resolver; the `query` module's options run in TanStack Query; the `msw`
//! module's handlers answer the client under msw's `setupServer`. The apps are in
//! `tests/typescript/app/`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use tests::typescript::{TempDir, node_tool};
use tests::{project_root, read_json};

/// The reference contract's package.
const PACKAGE: &str = "generated/typescript";

/// Runs `command`; its standard output, or a panic with everything it printed.
fn run(command: &mut Command) -> String {
    let output = command.output().unwrap_or_else(|e| panic!("starting {command:?}: {e}"));
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    assert!(
        output.status.success(),
        "{command:?} failed ({}):\n{}\n{}",
        output.status,
        text(&output.stdout),
        text(&output.stderr)
    );
    text(&output.stdout)
}

/// An app folder holding `tests/typescript/app/*` and a `package.json` of an ES module package,
/// with the package packed by `npm pack` and unpacked into `node_modules/<name>`, as `npm install`
/// lays it out, and `zod` (its optional peer) beside it. Checks on the way that npm packs exactly the files `package.json` lists.
fn app_with_package() -> (TempDir, PathBuf) {
    let app = TempDir::new("ts-app");
    let sources = project_root().join("tests/typescript/app");
    for entry in std::fs::read_dir(&sources).expect("tests/typescript/app") {
        let path = entry.expect("an entry").path();
        std::fs::copy(&path, app.path().join(path.file_name().expect("a file"))).expect("copy an app file");
    }
    std::fs::write(app.path().join("package.json"), r#"{ "private": true, "type": "module" }"#).expect("write");

    let manifest = read_json(&project_root().join(PACKAGE).join("package.json"));
    let packed = run(Command::new("npm")
        .current_dir(project_root().join(PACKAGE))
        .args(["pack", "--json", "--pack-destination"])
        .arg(app.path())
        .env("npm_config_update_notifier", "false"));
    let packed: Value = serde_json::from_str(&packed).expect("npm pack --json");
    let mut files: Vec<&str> =
        packed[0]["files"].as_array().expect("files").iter().filter_map(|f| f["path"].as_str()).collect();
    files.sort();
    let mut listed: Vec<&str> = manifest["files"].as_array().expect("files").iter().filter_map(Value::as_str).collect();
    listed.push("package.json");
    listed.sort();
    assert_eq!(files, listed, "npm publishes the files package.json lists, and only them (no `src/`)");

    let name = manifest["name"].as_str().expect("name");
    let installed = app.path().join("node_modules").join(name);
    std::fs::create_dir_all(&installed).expect("node_modules");
    let tarball = app.path().join(packed[0]["filename"].as_str().expect("filename"));
    run(Command::new("tar").arg("-xzf").arg(&tarball).arg("-C").arg(&installed).arg("--strip-components=1"));
    // The app installs the optional peer dependency that the `zod` module imports.
    std::os::unix::fs::symlink(project_root().join("tests/node_modules/zod"), app.path().join("node_modules/zod"))
        .expect("link zod");
    (app, installed)
}

/// `codegen/src/typescript/runtime.{js,d.ts}` and `client_runtime.{js,d.ts}` are byte for byte what
/// `tsc -p codegen/src/typescript/tsconfig.json` makes of the `.ts` beside them (the sources of
/// truth), so generation can include them without running a compiler.
#[test]
fn the_runtimes_javascript_and_declarations_are_tscs_output() {
    let tsc = node_tool(".bin/tsc");
    let out = TempDir::new("ts-runtime-emit");
    let folder = project_root().join("codegen/src/typescript");
    run(Command::new(tsc).arg("-p").arg(folder.join("tsconfig.json")).arg("--outDir").arg(out.path()));
    for file in ["runtime.js", "runtime.d.ts", "client_runtime.js", "client_runtime.d.ts"] {
        let made = std::fs::read_to_string(out.path().join(file)).unwrap_or_else(|e| panic!("tsc made no {file}: {e}"));
        let committed = std::fs::read_to_string(folder.join(file)).expect("committed");
        assert!(
            made == committed,
            "codegen/src/typescript/{file} is not what tsc makes of its .ts: run \
             `tests/node_modules/.bin/tsc -p codegen/src/typescript/tsconfig.json`, then `cargo xtask generate`"
        );
    }
}

/// Plain node imports the installed package (entry and subpaths), validates, reads the Standard
/// Schema and calls an operation through its function and through `createClient`, with no
/// TypeScript tooling in reach (`tests/typescript/app/node.mjs`).
#[test]
fn plain_node_runs_the_installed_package() {
    let (app, _) = app_with_package();
    let printed = run(Command::new("node").current_dir(app.path()).arg("node.mjs"));
    assert!(printed.starts_with("ok: devora-api-client "), "{printed}");
}

/// A TypeScript module using the installed package (`tests/typescript/app/consumer.mts`)
/// type-checks under the strictest options and `erasableSyntaxOnly`, with `moduleResolution`
/// NodeNext and Bundler, each with the DOM library and without it (with `@types/node`, as in a
/// Node project); the package's declarations are checked too (`skipLibCheck: false`; TypeScript's
/// own libraries are not, which halves the time).
#[test]
fn the_installed_package_type_checks_under_nodenext_and_bundler_with_and_without_dom() {
    let (app, _) = app_with_package();
    let types = app.path().join("node_modules/@types");
    std::fs::create_dir_all(&types).expect("@types");
    std::os::unix::fs::symlink(project_root().join("tests/node_modules/@types/node"), types.join("node"))
        .expect("link @types/node");
    let tsc = node_tool(".bin/tsc");
    let mut configs = Vec::new();
    for (resolution, module) in [("NodeNext", "NodeNext"), ("Bundler", "ESNext")] {
        for (library, lib, types) in
            [("dom", json!(["ES2022", "DOM"]), json!([])), ("node", json!(["ES2022"]), json!(["node"]))]
        {
            let config = json!({
                "compilerOptions": {
                    "strict": true,
                    "exactOptionalPropertyTypes": true,
                    "noUncheckedIndexedAccess": true,
                    "noImplicitOverride": true,
                    "erasableSyntaxOnly": true,
                    "verbatimModuleSyntax": true,
                    "isolatedModules": true,
                    "skipLibCheck": false,
                    "skipDefaultLibCheck": true,
                    "noEmit": true,
                    "target": "ES2022",
                    "module": module,
                    "moduleResolution": resolution,
                    "lib": lib,
                    "types": types,
                },
                "files": ["consumer.mts"],
            });
            let file = format!("tsconfig.{resolution}.{library}.json");
            std::fs::write(app.path().join(&file), config.to_string()).expect("write tsconfig");
            configs.push(file);
        }
    }
    let failures: Vec<String> = std::thread::scope(|scope| {
        let runs: Vec<_> = configs
            .iter()
            .map(|config| {
                let tsc = &tsc;
                let app = app.path();
                scope.spawn(move || {
                    let output = Command::new(tsc).current_dir(app).args(["-p", config]).output().expect("tsc runs");
                    (!output.status.success())
                        .then(|| format!("{config}:\n{}", String::from_utf8_lossy(&output.stdout)))
                })
            })
            .collect();
        runs.into_iter().filter_map(|run| run.join().expect("a tsc thread")).collect()
    });
    assert!(failures.is_empty(), "tsc rejects the installed package:\n{}", failures.join("\n"));
}

/// `vite build` of an app that imports the installed package (`tests/typescript/app/index.html`
/// and `main.js`) succeeds, and the bundle holds the package's code.
#[test]
fn vite_builds_an_app_that_imports_the_installed_package() {
    let (app, _) = app_with_package();
    run(Command::new(node_tool(".bin/vite")).current_dir(app.path()).args(["build", "--logLevel", "warn"]));
    let assets = app.path().join("dist/assets");
    let bundle: String = std::fs::read_dir(&assets)
        .expect("dist/assets")
        .map(|entry| entry.expect("an asset").path())
        .filter(|path| path.extension().is_some_and(|e| e == "js"))
        .map(|path| std::fs::read_to_string(path).expect("an asset"))
        .collect();
    assert!(bundle.contains("past_due"), "the enum's values are in the bundle");
    assert!(bundle.contains("must have property email"), "so is the validator");
}

/// An app that calls one operation's function (`getProject`) bundles that operation's validators
/// (its answer's and the problem's) and no other operation's, nor `createClient`; an app that uses
/// `createClient` holds them all. Prints the sizes (minified, then gzipped).
#[test]
fn a_bundle_of_one_operation_keeps_only_its_validators() {
    let (app, _) = app_with_package();
    let script = project_root().join("tests/typescript/bundle.mjs");
    let printed = run(Command::new("node").arg(script).arg(app.path()));
    let bundles: Value = serde_json::from_str(&printed).expect("bundle.mjs prints JSON");
    let (one, all) = (bundles["one"]["text"].as_str().expect("one"), bundles["all"]["text"].as_str().expect("all"));
    for kept in ["function getProject(", "function validateProject(", "function validateProblem("] {
        assert!(one.contains(kept), "the one-operation bundle lacks {kept}");
    }
    for dropped in [
        "function listProjects(",
        "function createClient(",
        "function validateProjectPage(",
        "function validateCheckoutSession(",
        "function validateJobEvent(",
        "var EventParser = class",
    ] {
        assert!(!one.contains(dropped), "the one-operation bundle holds {dropped}");
        assert!(all.contains(dropped), "the createClient bundle lacks {dropped}");
    }
    let size = |app: &str, what: &str| bundles[app][what].as_u64().expect("a size");
    eprintln!(
        "esbuild --bundle --minify: getProject alone {} B ({} B gzipped), createClient {} B ({} B gzipped)",
        size("one", "minified"),
        size("one", "gzipped"),
        size("all", "minified"),
        size("all", "gzipped"),
    );
    assert!(size("one", "minified") * 4 < size("all", "minified"), "one operation is a small part of the client");
}

/// react-hook-form's `standardSchemaResolver` over the generated Standard Schemas: a bad value's
/// errors at their fields (nested ones as react-hook-form nests them, a missing property at its
/// field, a rule of the whole value at `root`), a good value's parsed values
/// (`tests/typescript/standard_schema.mjs`).
#[test]
fn react_hook_form_takes_the_standard_schemas() {
    node_tool("@hookform/resolvers");
    let script = project_root().join("tests/typescript/standard_schema.mjs");
    let printed = run(Command::new("node").arg(script).arg(project_root().join(PACKAGE)));
    assert_eq!(printed.trim(), "ok");
}

/// The `query` module with a real TanStack Query `QueryClient` against a fake `fetch`: bodies, an
/// `ApiError` on an error status, an infinite query to its last page, invalidation by a tag's key,
/// mutations (`tests/typescript/query.mjs`); its types against `@tanstack/query-core`'s are checked
/// by `tests/typescript/query.ts`.
#[test]
fn tanstack_query_runs_the_query_options() {
    node_tool("@tanstack/query-core");
    let script = project_root().join("tests/typescript/query.mjs");
    let printed = run(Command::new("node").arg(script).arg(project_root().join(PACKAGE)));
    assert_eq!(printed.trim(), "ok");
}

/// The `msw` module of every generated package (the reference contract's, the fixture's and the
/// examples') under msw's `setupServer`, answering the generated client with `validateResponses`:
/// every status of every operation, default bodies that pass the package's validators, overrides
/// by status, body and resolver, `baseUrl` (`tests/typescript/msw.mjs`); its types against msw's
/// are checked by `tests/typescript/msw.ts`.
#[test]
fn msw_handlers_answer_every_operation_with_valid_bodies() {
    node_tool("msw");
    let root = project_root();
    let packages = [
        PACKAGE,
        "codegen/fixture/generated/typescript",
        "examples/saas-ia/generated/typescript",
        "examples/vault/generated/typescript",
    ];
    let printed = run(Command::new("node")
        .arg(root.join("tests/typescript/msw.mjs"))
        .args(packages.iter().map(|package| root.join(package))));
    assert_eq!(printed.trim(), "ok");
}

/// Publishable metadata: the contract's name, version and license, ESM, the Node versions, every
/// public module as an `exports` subpath (declarations first); `private` only where the layout
/// says so (the fixture's package).
#[test]
fn the_package_json_is_publishable() {
    let root = project_root();
    let manifest = read_json(&root.join(PACKAGE).join("package.json"));
    let info = &tests::committed_openapi()["info"];
    assert_eq!(manifest["name"], "devora-api-client");
    assert_eq!(manifest["version"], info["version"]);
    assert_eq!(manifest["license"], info["license"]["identifier"]);
    assert_eq!(manifest["type"], "module");
    assert_eq!(manifest["engines"], json!({ "node": ">=20" }));
    assert_eq!(manifest.get("private"), None);
    let exports = manifest["exports"].as_object().expect("exports");
    assert_eq!(
        exports.keys().collect::<Vec<_>>(),
        [".", "./types", "./validators", "./client", "./query", "./zod", "./msw", "./package.json"]
    );
    // Zod and msw are needed by `./zod` and `./msw` only: optional peers, in ranges that hold the
    // versions the tests pin.
    let pinned = read_json(&root.join("tests/package.json"))["devDependencies"].clone();
    for (peer, range) in [("zod", "^4.6.0"), ("msw", "^2.15.0")] {
        assert_eq!(manifest["peerDependencies"][peer], range, "{peer}");
        assert_eq!(manifest["peerDependenciesMeta"][peer], json!({ "optional": true }), "{peer}");
        let version = |text: &str| -> Vec<u64> { text.split('.').map(|n| n.parse().expect("a number")).collect() };
        let (least, tested) = (version(&range[1..]), version(pinned[peer].as_str().expect("pinned")));
        assert!(tested[0] == least[0] && tested >= least, "tests/package.json pins {peer} {tested:?}, outside {range}");
    }
    assert_eq!(manifest["peerDependencies"].as_object().map(|peers| peers.len()), Some(2));
    for (subpath, target) in exports.iter().filter(|(subpath, _)| *subpath != "./package.json") {
        let conditions: Vec<&String> = target.as_object().expect("conditions").keys().collect();
        assert_eq!(conditions, ["types", "import", "default"], "{subpath}");
        for file in target.as_object().expect("conditions").values().filter_map(Value::as_str) {
            assert!(root.join(PACKAGE).join(file).is_file(), "{subpath}: {file}");
        }
    }
    let fixture = read_json(&root.join("codegen/fixture/generated/typescript/package.json"));
    assert_eq!(fixture["private"], true);
    assert!(Path::new(&root.join(PACKAGE).join("src/index.ts")).is_file(), "the sources stay beside the package");
}
