fn main() {
	#[cfg(feature = "std")]
	{
		substrate_wasm_builder::WasmBuilder::build_using_defaults();
		// With BANKTAX_TRY_RUNTIME set, also the runtime with its `try-runtime` checks, for
		// checking an upgrade against a snapshot of live state (`banktax-node check-upgrade`):
		// `wbuild/banktax-runtime/banktax_runtime_try.compact.compressed.wasm`. Never a chain's.
		println!("cargo:rerun-if-env-changed=BANKTAX_TRY_RUNTIME");
		if std::env::var_os("BANKTAX_TRY_RUNTIME").is_some() {
			substrate_wasm_builder::WasmBuilder::init_with_defaults()
				.enable_feature("try-runtime")
				.set_file_name("banktax_runtime_try")
				.build();
		}
	}
}
