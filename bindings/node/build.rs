//! Link arguments a Node addon needs on some platforms (macOS: leave the Node-API symbols
//! to be resolved by the host process).

fn main() {
    napi_build::setup();
}
