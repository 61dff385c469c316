-- Report figures follow the raw rows through the same queue the feedback triggers use: every write
-- that can change a conversation's or its lead's figures notes the conversation here, in the
-- transaction that made the change. The reports refresh the noted conversations in batches - a
-- burst of messages costs one rollup of each day per batch, not one per message - and before they
-- next read, so a crash between the write and the refresh loses nothing.
create trigger report_message_insert after insert on messages
begin
  insert or ignore into report_dirty (conversation_id) values (new.conversation_id);
end;

create trigger report_conversation_update after update on conversations
begin
  insert or ignore into report_dirty (conversation_id) values (new.id);
end;

create trigger report_lead_insert after insert on leads
begin
  insert or ignore into report_dirty (conversation_id) values (new.conversation_id);
end;

create trigger report_lead_update after update on leads
begin
  insert or ignore into report_dirty (conversation_id) values (new.conversation_id);
end;
