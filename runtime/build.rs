fn main() {
	#[cfg(feature = "std")]
	{
		substrate_wasm_builder::WasmBuilder::build_using_defaults();
		// The same runtime one spec version on, for the end-to-end test of a runtime upgrade by
		// council motion: `wbuild/banktax-runtime/banktax_runtime_next.compact.compressed.wasm`.
		substrate_wasm_builder::WasmBuilder::init_with_defaults()
			.enable_feature("next-spec-version")
			.set_file_name("banktax_runtime_next")
			.build();
	}
}
