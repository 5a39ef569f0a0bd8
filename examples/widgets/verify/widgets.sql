-- Verify widgets:widgets

SELECT sku, description, price_cents, added_by FROM widgets WHERE 0;
