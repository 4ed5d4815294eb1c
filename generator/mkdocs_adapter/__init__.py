"""The MkDocs door of the generator: a thin plugin over the engine-neutral pipeline, and what it does to
MkDocs's own work (two-core conversion, the site's own search index, preview reuse, CSP hashes, exports
written beside the build). Nothing outside this package imports MkDocs or Material."""
