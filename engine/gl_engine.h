// gl_engine: the background engine thread (owned by the app issue).
