DROP TABLE as2_exchanges;
