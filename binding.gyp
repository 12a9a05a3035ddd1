{
  "targets": [
    {
      "target_name": "sluice_native",
      "sources": [
        "native/addon.cc",
        "native/crc32c.cc",
        "native/crc32c_avx512.cc",
        "native/crc32c_sse42.cc",
        "native/encode_binding.cc",
        "native/receive_buffers.cc",
        "native/record_batch.cc",
        "native/record_batch_encode.cc",
        "native/segment_io.cc",
        "native/sparse_index.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      # SSE4.2 and AVX-512 are enabled per function (target attributes + CPUID at run time),
      # never for the whole addon, so the binary still loads on CPUs without them.
      "cflags!": ["-Wno-unused-parameter"],
      "cflags": ["-O3", "-fvisibility=hidden", "-Wall", "-Wextra"],
      "cflags_cc!": ["-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fvisibility=hidden"],
      "xcode_settings": {
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "GCC_OPTIMIZATION_LEVEL": "3",
        "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
        "WARNING_CFLAGS": ["-Wall", "-Wextra"]
      }
    }
  ]
}
