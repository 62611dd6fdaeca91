/**
 * onnxruntime-node's native library ships Microsoft's 1DS telemetry client: on every session it writes a device id
 * and an event database under ~/.cache/Microsoft/DeveloperTools/.onnxruntime/ and `.ses` and `mat-debug-<pid>.log`
 * files in $TMPDIR (found with `strings libonnxruntime.so.1`, confirmed by running with HOME and TMPDIR pointed
 * at empty folders). The library reads ORT_DISABLE_TELEMETRY from the environment when it starts; set here,
 * before onnxruntime-node is loaded, it writes none of them. A user who wants it can set ORT_DISABLE_TELEMETRY=0.
 */
process.env.ORT_DISABLE_TELEMETRY ??= "1";
