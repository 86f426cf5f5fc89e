-- A message is dead-lettered once: redelivered after a crash between recording it and committing its offset,
-- it finds its row here and is not recorded or sent again (leap_contracts.delivery.consumer).
DELETE FROM dead_letter d USING dead_letter e
 WHERE d.topic = e.topic AND d.kafka_partition = e.kafka_partition AND d.kafka_offset = e.kafka_offset
   AND d.id > e.id;
CREATE UNIQUE INDEX IF NOT EXISTS dead_letter_message ON dead_letter (topic, kafka_partition, kafka_offset);
