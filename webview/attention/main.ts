// Attention webview entry.
