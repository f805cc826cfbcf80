// Dashboard webview entry.
