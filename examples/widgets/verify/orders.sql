-- Verify widgets:orders

SELECT id, nickname, sku, quantity, placed_at FROM orders WHERE 0;
